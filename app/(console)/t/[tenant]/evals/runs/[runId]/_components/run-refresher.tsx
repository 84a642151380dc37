"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

const INTERVAL_MS = 1_500;

/**
 * Re-renders the page from the server every 1.5 s while the run may still change; the server's
 * next render passes `live={false}` once the run has ended, and the refreshing stops.
 */
export function RunRefresher({ live }: { live: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), INTERVAL_MS);
    return () => clearInterval(timer);
  }, [live, router]);
  return null;
}
