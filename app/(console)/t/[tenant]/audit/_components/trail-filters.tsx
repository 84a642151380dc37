"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTransition, type FormEvent } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { FILTER_PARAMS } from "@/lib/audit/explorer/params";

export type FilterChoices = {
  actions: string[];
  people: { id: string; email: string }[];
  keys: { id: string; name: string; prefix: string }[];
  endpoints: { id: string; name: string; versions: { id: string; label: string }[] }[];
};

const OUTCOMES = [
  ["ok", "Succeeded"],
  ["error", "Failed (any)"],
  ["400", "400 bad request"],
  ["401", "401 unauthenticated"],
  ["403", "403 forbidden"],
  ["404", "404 not found"],
  ["429", "429 rate limited or over budget"],
  ["499", "499 cancelled by the caller"],
  ["500", "500 Keel error"],
  ["502", "502 provider failed"],
  ["504", "504 provider timed out"],
] as const;

/**
 * The explorer's filters. Every choice goes into the URL (so a view can be shared) and the server
 * filters; menus apply at once, typed fields when the form is submitted. A new filter starts the
 * view on its first page, with no record open.
 */
export function TrailFilters({ values, choices, errors }: { values: Record<string, string>; choices: FilterChoices; errors: Record<string, string[]> }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const families = [...new Set(choices.actions.map((a) => a.split(".")[0]))];

  const apply = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const query = new URLSearchParams();
    for (const name of [...FILTER_PARAMS, "order"]) {
      // An end user is matched exactly, spaces and all, as the gateway recorded it.
      const raw = String(data.get(name) ?? "");
      const value = name === "user" ? raw : raw.trim();
      if (value && !(name === "kind" && value === "all") && !(name === "order" && value === "desc")) query.set(name, value);
    }
    const text = query.toString();
    startTransition(() => router.push(text ? `${pathname}?${text}` : pathname, { scroll: false }));
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply(event.currentTarget);
  };
  const onMenu = (event: { currentTarget: HTMLSelectElement }) => apply(event.currentTarget.form!);
  const error = (name: string) => errors[name]?.join(" ");

  return (
    <form onSubmit={onSubmit} aria-busy={pending || undefined} className="space-y-3 rounded-lg border border-border bg-card p-4" data-testid="trail-filters">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field htmlFor="f-kind" label="Show">
          <NativeSelect id="f-kind" name="kind" defaultValue={values.kind ?? "all"} onChange={onMenu}>
            <option value="all">Changes and requests</option>
            <option value="changes">Changes only</option>
            <option value="requests">Requests only</option>
          </NativeSelect>
        </Field>
        <Field htmlFor="f-from" label="From (UTC)" error={error("from")}>
          <Input id="f-from" name="from" type="datetime-local" step="1" defaultValue={values.from ?? ""} aria-invalid={!!error("from") || undefined} />
        </Field>
        <Field htmlFor="f-to" label="To (UTC)" error={error("to")}>
          <Input id="f-to" name="to" type="datetime-local" step="1" defaultValue={values.to ?? ""} aria-invalid={!!error("to") || undefined} />
        </Field>
        <Field htmlFor="f-order" label="Order">
          <NativeSelect id="f-order" name="order" defaultValue={values.order ?? "desc"} onChange={onMenu}>
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </NativeSelect>
        </Field>
        <Field htmlFor="f-actor" label="Actor" error={error("actor")}>
          <NativeSelect id="f-actor" name="actor" defaultValue={values.actor ?? ""} onChange={onMenu}>
            <option value="">Anyone</option>
            <optgroup label="People">
              {choices.people.map((p) => (
                <option key={p.id} value={`user:${p.id}`}>{p.email}</option>
              ))}
            </optgroup>
            <optgroup label="API keys">
              {choices.keys.map((k) => (
                <option key={k.id} value={`key:${k.id}`}>{`${k.name} (${k.prefix}…)`}</option>
              ))}
            </optgroup>
            <option value="system">Keel itself (system)</option>
          </NativeSelect>
        </Field>
        <Field htmlFor="f-action" label="Action" error={error("action")}>
          <NativeSelect id="f-action" name="action" defaultValue={values.action ?? ""} onChange={onMenu}>
            <option value="">Any action</option>
            {families.map((family) => (
              <optgroup key={family} label={family}>
                <option value={family}>{`${family}.* (all)`}</option>
                {choices.actions.filter((a) => a.startsWith(`${family}.`)).map((a) => (
                  <option key={a} value={a}>{a}</option>
                ))}
              </optgroup>
            ))}
          </NativeSelect>
        </Field>
        <Field htmlFor="f-endpoint" label="Endpoint" error={error("endpoint")}>
          <NativeSelect id="f-endpoint" name="endpoint" defaultValue={values.endpoint ?? ""} onChange={onMenu}>
            <option value="">Any endpoint</option>
            {choices.endpoints.map((e) => (
              <option key={e.id} value={e.id}>{e.name}</option>
            ))}
          </NativeSelect>
        </Field>
        <Field htmlFor="f-version" label="Model version" error={error("version")}>
          <NativeSelect id="f-version" name="version" defaultValue={values.version ?? ""} onChange={onMenu}>
            <option value="">Any version</option>
            {choices.endpoints.filter((e) => e.versions.length).map((e) => (
              <optgroup key={e.id} label={e.name}>
                {e.versions.map((v) => (
                  <option key={v.id} value={v.id}>{`${e.name} ${v.label}`}</option>
                ))}
              </optgroup>
            ))}
          </NativeSelect>
        </Field>
        <Field htmlFor="f-outcome" label="Outcome" error={error("outcome")}>
          <NativeSelect id="f-outcome" name="outcome" defaultValue={values.outcome ?? ""} onChange={onMenu}>
            <option value="">Any outcome</option>
            {OUTCOMES.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
            {values.outcome && !OUTCOMES.some(([v]) => v === values.outcome) && <option value={values.outcome}>{values.outcome}</option>}
          </NativeSelect>
        </Field>
        <Field htmlFor="f-request" label="Request id" error={error("request")}>
          <Input id="f-request" name="request" defaultValue={values.request ?? ""} placeholder="req_…" aria-invalid={!!error("request") || undefined} />
        </Field>
        <Field htmlFor="f-user" label="End user" error={error("user")}>
          <Input id="f-user" name="user" defaultValue={values.user ?? ""} placeholder="the request's user field" aria-invalid={!!error("user") || undefined} />
        </Field>
        <Field htmlFor="f-input" label="Input hash" error={error("input")} className="sm:col-span-2">
          <Input id="f-input" name="input" defaultValue={values.input ?? ""} placeholder="64 hexadecimal characters" className="font-mono" aria-invalid={!!error("input") || undefined} />
        </Field>
      </div>
      {values.resource && <input type="hidden" name="resource" value={values.resource} />}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={pending}>Apply</Button>
        <Link href={pathname} className={buttonClasses({ variant: "ghost" })}>Clear filters</Link>
        {values.resource && <span className="text-sm text-muted-foreground">{`Resource: ${values.resource}`}</span>}
      </div>
    </form>
  );
}

