"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { Anchor, Menu } from "lucide-react";
import * as DialogPrimitive from "@radix-ui/react-dialog";
import { Button } from "@/components/ui/button";
import { SidebarNav, type NavItem } from "./sidebar-nav";
import { TenantSwitcher, type SwitcherTenant } from "./tenant-switcher";

/**
 * Below `md` the sidebar is hidden; this menu button opens the same tenant switcher and sections
 * in a drawer from the left. Radix's dialog traps focus, closes on Escape and returns focus to the
 * button, so the drawer works from the keyboard as the sidebar does.
 */
export function MobileNav(props: { nav: NavItem[]; current: SwitcherTenant | null; tenants: SwitcherTenant[]; isPlatformAdmin: boolean }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // A tenant chosen in the switcher navigates without touching the nav: the new route closes the drawer.
  useEffect(() => setOpen(false), [pathname]);
  // Widened past `md` (a rotated tablet), the drawer is hidden by CSS but would still trap focus: close it.
  useEffect(() => {
    const wide = window.matchMedia("(min-width: 48rem)");
    const close = () => wide.matches && setOpen(false);
    wide.addEventListener("change", close);
    return () => wide.removeEventListener("change", close);
  }, []);
  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open menu">
          <Menu className="size-5" aria-hidden />
        </Button>
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/50 motion-safe:animate-overlay-in dark:bg-black/70 md:hidden" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col gap-4 overflow-y-auto border-r border-border bg-card p-3 shadow-xl focus:outline-hidden md:hidden"
        >
          <DialogPrimitive.Title className="sr-only">Menu</DialogPrimitive.Title>
          <Link href="/" className="flex items-center gap-2 rounded-md px-1.5 pt-1 text-base font-semibold focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring">
            <Anchor className="size-5 text-primary" aria-hidden /> Keel
          </Link>
          <TenantSwitcher current={props.current} tenants={props.tenants} isPlatformAdmin={props.isPlatformAdmin} />
          {/* Choosing the page already shown changes no route, so the click itself closes the drawer. */}
          <SidebarNav items={props.nav} onNavigate={() => setOpen(false)} />
          <DialogPrimitive.Close asChild>
            <Button variant="outline" size="sm" className="mt-auto">
              Close menu
            </Button>
          </DialogPrimitive.Close>
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}
