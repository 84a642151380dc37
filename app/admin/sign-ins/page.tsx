import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { listAccountEventsForAdmin, MAX_ADMIN_PAGE } from "@/lib/auth/account-data";
import { ACCOUNT_EVENT_LABELS } from "@/lib/auth/account-events";
import { AccountEventKind } from "@/lib/db/generated/enums";
import { requirePlatformAdmin } from "@/lib/tenancy/page";
import { AccountEventsTable } from "../../account/_components/account-events-table";

export const metadata: Metadata = { title: "Sign-ins" };

const PAGE_SIZE = 50;
const KINDS = Object.values(AccountEventKind);

type Search = { q?: string; kind?: string; page?: string; dir?: string };

/** Every account's sign-ins, failures, sign-outs and password changes: filtered, sorted and paged in the database. */
export default async function SignInsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const admin = await requirePlatformAdmin();
  const sp = await searchParams;
  const q = (sp.q ?? "").trim().slice(0, 320) || undefined;
  const kind = KINDS.find((k) => k === sp.kind);
  const dir = sp.dir === "asc" ? "asc" : "desc";
  const page = Math.min(Math.max(1, Number.parseInt(sp.page ?? "1", 10) || 1), MAX_ADMIN_PAGE);
  const { rows, total } = await listAccountEventsForAdmin(admin, { q, kind, dir, page, pageSize: PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const href = (over: Partial<Search>) => {
    const params = new URLSearchParams();
    const next = { q, kind, dir: dir === "desc" ? undefined : dir, page: String(page), ...over };
    for (const [k, v] of Object.entries(next)) if (v && !(k === "page" && v === "1")) params.set(k, v);
    const s = params.toString();
    return s ? `/admin/sign-ins?${s}` : "/admin/sign-ins";
  };
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Platform admin", href: "/admin" }, { label: "Sign-ins" }]}
        title="Sign-ins"
        description="Every account's sign-ins, failed attempts, sign-outs and password changes, with the address and browser. No password tried is ever stored."
      />
      <form method="get" action="/admin/sign-ins" className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <label className="grid gap-1 text-sm">
          <span className="text-muted-foreground">Email or address</span>
          <Input name="q" defaultValue={q ?? ""} placeholder="owner@acme.test or 10.0." className="w-64" />
        </label>
        <label className="grid gap-1 text-sm">
          <span className="text-muted-foreground">What</span>
          <select name="kind" defaultValue={kind ?? ""} className="h-9 rounded-md border border-input bg-background px-2 text-sm">
            <option value="">Everything</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>{ACCOUNT_EVENT_LABELS[k]}</option>
            ))}
          </select>
        </label>
        <label className="grid gap-1 text-sm">
          <span className="text-muted-foreground">Order</span>
          <select name="dir" defaultValue={dir} className="h-9 rounded-md border border-input bg-background px-2 text-sm">
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </select>
        </label>
        <Button type="submit" variant="secondary">Filter</Button>
      </form>
      <AccountEventsTable rows={rows} showEmail empty={q || kind ? "Nothing matches these filters. Clear them to see every event." : "No sign-ins recorded yet."} />
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm text-muted-foreground">
        <span>{total.toLocaleString("en-US")} event{total === 1 ? "" : "s"} · page {page} of {pages}</span>
        <span className="flex gap-3">
          {page > 1 && <Link className="text-primary hover:underline" href={href({ page: String(page - 1) })}>Previous</Link>}
          {page < pages && <Link className="text-primary hover:underline" href={href({ page: String(page + 1) })}>Next</Link>}
        </span>
      </nav>
    </>
  );
}
