"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

// The tracker asks providers every 10 s; twice as often shows each change within a few seconds.
const INTERVAL_MS = 5_000;

/**
 * Re-renders the page from the server every 5 s while a job on it is queued or running; the
 * server's next render passes `live={false}` once none is, and the refreshing stops.
 */
export function FineTuneRefresher({ live }: { live: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), INTERVAL_MS);
    return () => clearInterval(timer);
  }, [live, router]);
  return null;
}
