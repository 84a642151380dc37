"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the page from the server every `everyMs` while what it shows may still change (a run
 * in progress, a job under way); the server's next render passes `live={false}` once it cannot,
 * and the refreshing stops.
 */
export function LiveRefresh({ live, everyMs }: { live: boolean; everyMs: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [live, everyMs, router]);
  return null;
}
