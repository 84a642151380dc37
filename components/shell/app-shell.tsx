import Link from "next/link";
import { Anchor } from "lucide-react";
import { ThemeToggle } from "@/components/ui/theme-toggle";
import { MobileNav } from "./mobile-nav";
import { SidebarNav, type NavItem } from "./sidebar-nav";
import { TenantSwitcher, type SwitcherTenant } from "./tenant-switcher";
import { UserMenu } from "./user-menu";

/** The console's frame: sidebar with tenant switcher and sections (a menu drawer below `md`), a top bar, and the page. */
export function AppShell(props: {
  nav: NavItem[];
  current: SwitcherTenant | null;
  tenants: SwitcherTenant[];
  user: { email: string; name: string | null; isPlatformAdmin: boolean };
  banner?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col gap-4 border-r border-border bg-card/50 p-3 md:flex">
        <Link href="/" className="flex items-center gap-2 rounded-md px-1.5 pt-1 text-base font-semibold focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring">
          <Anchor className="size-5 text-primary" aria-hidden /> Keel
        </Link>
        <TenantSwitcher current={props.current} tenants={props.tenants} isPlatformAdmin={props.user.isPlatformAdmin} />
        <SidebarNav items={props.nav} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-10 flex h-14 items-center gap-2 border-b border-border bg-background/80 px-4 backdrop-blur md:px-6">
          <MobileNav nav={props.nav} current={props.current} tenants={props.tenants} isPlatformAdmin={props.user.isPlatformAdmin} />
          <Link href="/" className="flex items-center gap-2 rounded-md font-semibold focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring md:hidden">
            <Anchor className="size-5 text-primary" aria-hidden /> Keel
          </Link>
          <div className="flex-1" />
          <ThemeToggle />
          <UserMenu email={props.user.email} name={props.user.name} />
        </header>
        {props.banner}
        <main className="mx-auto w-full min-w-0 max-w-6xl flex-1 p-4 md:p-6">{props.children}</main>
      </div>
    </div>
  );
}
