"use client";

import { useSyncExternalStore } from "react";

type Precision = "minute" | "second" | "millisecond";

const noop = () => () => {};

/**
 * A moment in the viewer's own time zone, with the absolute time (zone and UTC) on hover.
 *
 * The server cannot know the viewer's zone, so it renders UTC, and so does the browser while it
 * hydrates (the server snapshot below); only then does the browser switch to its own zone. Reading
 * the zone during hydration is what makes React's "server rendered text didn't match" (#418).
 */
export function LocalTime({ value, precision = "second", className }: { value: Date | string; precision?: Precision; className?: string }) {
  const at = typeof value === "string" ? new Date(value) : value;
  const hydrated = useSyncExternalStore(noop, () => true, () => false);
  if (Number.isNaN(at.getTime())) return <span className={className}>—</span>;
  const iso = at.toISOString();
  const shown = hydrated ? inZone(at, precision, undefined) : `${inZone(at, precision, "UTC")} UTC`;
  const title = hydrated ? `${inZone(at, "millisecond", undefined)} ${zoneName(at)} · ${iso}` : iso;
  return (
    <time dateTime={iso} title={title} className={className}>
      {shown}
    </time>
  );
}

/** `YYYY-MM-DD HH:mm[:ss[.SSS]]` in a zone (the viewer's when `timeZone` is undefined). */
export function inZone(at: Date, precision: Precision, timeZone: string | undefined): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const minute = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  if (precision === "minute") return minute;
  const second = `${minute}:${parts.second}`;
  return precision === "second" ? second : `${second}.${String(at.getUTCMilliseconds()).padStart(3, "0")}`;
}

function zoneName(at: Date): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName");
  return part?.value ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
