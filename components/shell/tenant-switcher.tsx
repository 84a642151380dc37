"use client";

import Link from "next/link";
import { Check, ChevronsUpDown } from "lucide-react";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

export type SwitcherTenant = { slug: string; name: string; role: string; status: string };

/** Switches between the tenants the user belongs to. */
export function TenantSwitcher({ current, tenants, isPlatformAdmin }: { current: SwitcherTenant | null; tenants: SwitcherTenant[]; isPlatformAdmin: boolean }) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        className="flex w-full items-center gap-2 rounded-md border border-border bg-card px-2.5 py-2 text-left text-sm hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        aria-label="Switch tenant"
      >
        <span className="flex size-6 shrink-0 items-center justify-center rounded bg-primary text-xs font-semibold text-primary-foreground">
          {(current?.name ?? "K").slice(0, 1).toUpperCase()}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate font-medium">{current?.name ?? "Platform admin"}</span>
          <span className="block truncate text-xs text-muted-foreground">{current ? current.role.toLowerCase() : "all tenants"}</span>
        </span>
        <ChevronsUpDown className="size-4 text-muted-foreground" aria-hidden />
      </DropdownMenuTrigger>
      <DropdownMenuContent className="w-60" align="start">
        <DropdownMenuLabel>Tenants</DropdownMenuLabel>
        {tenants.map((t) => (
          <DropdownMenuItem key={t.slug} asChild>
            <Link href={`/t/${t.slug}`} className="flex items-center justify-between">
              <span className="truncate">{t.name}</span>
              {current?.slug === t.slug && <Check className="size-4" aria-hidden />}
            </Link>
          </DropdownMenuItem>
        ))}
        {tenants.length === 0 && <div className="px-2 py-1.5 text-sm text-muted-foreground">No tenants yet</div>}
        {isPlatformAdmin && (
          <>
            <DropdownMenuSeparator />
            <DropdownMenuItem asChild>
              <Link href="/admin">Platform admin</Link>
            </DropdownMenuItem>
          </>
        )}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
