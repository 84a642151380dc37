"use client";

import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";

/**
 * The explorer's detail panel, open while the URL names a row (`open=`), so a detail can be shared
 * like a view. Closing it (Escape, the X, a click outside) goes back to the view without it.
 */
export function DetailDrawer({ title, description, closeHref, children }: { title: string; description: string; closeHref: string; children: ReactNode }) {
  const router = useRouter();
  return (
    <Dialog open onOpenChange={(open) => !open && router.push(closeHref, { scroll: false })}>
      <DialogContent
        data-testid="trail-detail"
        className="left-auto right-0 top-0 h-dvh max-h-dvh w-full max-w-2xl translate-x-0 translate-y-0 content-start rounded-none border-y-0 border-r-0"
      >
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {children}
      </DialogContent>
    </Dialog>
  );
}
