"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Boxes, Building2, ChartLine, FlaskConical, GraduationCap, KeyRound, LayoutDashboard, Library, ListChecks, MessageSquareText, PlugZap, ScrollText, Settings, Split, Users } from "lucide-react";
import { cn } from "@/components/ui/cn";

const ICONS = {
  overview: LayoutDashboard, monitoring: ChartLine, endpoints: Boxes, catalog: Library, rollouts: Split, evals: ListChecks, finetune: GraduationCap, playground: FlaskConical, prompts: MessageSquareText, keys: KeyRound, providers: PlugZap, members: Users, audit: ScrollText, settings: Settings, tenants: Building2,
};

export type NavItem = { href: string; label: string; icon: keyof typeof ICONS; exact?: boolean };

/** The sidebar's section links; the current section is highlighted. `onNavigate` runs when one is chosen. */
export function SidebarNav({ items, onNavigate }: { items: NavItem[]; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Sections" className="flex flex-col gap-0.5">
      {items.map((item) => {
        const Icon = ICONS[item.icon];
        const active = item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            onClick={onNavigate}
            className={cn(
              "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm text-muted-foreground transition-colors hover:bg-accent hover:text-foreground",
              "focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring",
              active && "bg-accent font-medium text-foreground",
            )}
          >
            <Icon className="size-4" aria-hidden />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
