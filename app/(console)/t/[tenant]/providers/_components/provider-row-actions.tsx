"use client";

import { useState, useTransition } from "react";
import { PlugZap, Trash2 } from "lucide-react";
import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { deleteProvider } from "@/lib/providers/actions";
import { ProviderDialog } from "./provider-dialog";

type Result = { ok: true; models: string[] } | { ok: false; error: string };

/** What depends on a provider: how many versions use it, and the endpoints those versions belong to. */
export type ProviderUse = { versions: number; endpoints: string[] };

type Provider = { id: string; name: string; kind: "OPENAI_COMPATIBLE" | "BUILTIN"; baseUrl: string | null; hasApiKey: boolean };

/** Test connection (lists the provider's models or shows its error), edit, remove after a confirmation. */
export function ProviderRowActions({ tenant, provider, use }: { tenant: string; provider: Provider; use: ProviderUse }) {
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();
  const test = () =>
    start(async () => {
      setResult(null);
      const res = await fetch(`/api/t/${tenant}/providers/${provider.id}/test`, { method: "POST" });
      const body = await res.json();
      setResult(res.ok ? body : { ok: false, error: body?.error?.message ?? "The test failed." });
    });
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex justify-end gap-1">
        <Button variant="outline" size="sm" onClick={test} disabled={pending}>
          <PlugZap className="size-4" aria-hidden /> {pending ? "Testing…" : "Test connection"}
        </Button>
        {provider.kind !== "BUILTIN" && <ProviderDialog tenant={tenant} provider={provider} />}
        <ConfirmAction
          trigger={
            <Button variant="ghost" size="sm" disabled={pending} aria-label={`Remove ${provider.name}`}>
              <Trash2 className="size-4" aria-hidden />
            </Button>
          }
          title={`Remove ${provider.name}?`}
          description={<RemoveText name={provider.name} use={use} />}
          // Keel keeps a provider while a version names it: the version's record says which provider answered.
          blocked={use.versions > 0 ? "Keel keeps a provider while any model version uses it. Edit its base URL or key instead." : undefined}
          confirmLabel="Remove provider"
          run={() => deleteProvider({ tenant, providerId: provider.id })}
        />
      </div>
      {result && (
        <p role="status" data-testid="connection-result" className="max-w-md text-right text-xs">
          {result.ok ? (
            <span className="text-success">Connected: {result.models.length} models{result.models.length ? ` (${result.models.slice(0, 5).join(", ")}${result.models.length > 5 ? ", …" : ""})` : ""}</span>
          ) : (
            <span className="text-destructive">{result.error}</span>
          )}
        </p>
      )}
    </div>
  );
}

/** What removing the provider would break: nothing, or its versions and the endpoints they belong to. */
function RemoveText({ name, use }: { name: string; use: ProviderUse }) {
  if (use.versions === 0) return <p>Removing provider {name}: no endpoint uses it. Its stored key is deleted with it. This cannot be undone.</p>;
  const versions = `${use.versions} model version${use.versions === 1 ? " uses" : "s use"} it`;
  const endpoints = use.endpoints.length === 1 ? `endpoint ${use.endpoints[0]}` : `endpoints ${use.endpoints.join(", ")}`;
  return (
    <p>
      Removing provider {name}: {versions}
      {use.endpoints.length > 0 ? ` (of ${endpoints}), which would fail without it.` : "."}
    </p>
  );
}
