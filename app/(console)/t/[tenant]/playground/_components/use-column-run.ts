"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { readChatStream } from "@/lib/endpoints/chat-stream-reader";
import type { PlaygroundRun, PlaygroundRunRecord } from "@/lib/playground/schemas";

export type RunVariables = { body: PlaygroundRun; signal: AbortSignal };

/** What a column shows while it streams: the text so far, and who answers once the headers say. */
export type LiveRun = { text: string; requestId: string | null; versionId: string | null };

const IDLE: LiveRun = { text: "", requestId: null, versionId: null };

class RecordNotYet extends Error {}

/** Every key of a run's mutation starts with this, so the page can ask whether any column is running. */
export const RUN_KEY = ["playground", "run"] as const;

async function problemMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `The run failed (HTTP ${res.status}).`;
}

async function fetchRecord(tenant: string, requestId: string): Promise<PlaygroundRunRecord> {
  const res = await fetch(`/api/t/${encodeURIComponent(tenant)}/playground/runs/${encodeURIComponent(requestId)}`, { cache: "no-store" });
  if (res.status === 404) throw new RecordNotYet("The run's record is not there yet.");
  if (!res.ok) throw new Error(await problemMessage(res));
  return (await res.json()) as PlaygroundRunRecord;
}

/**
 * One column's run: a mutation that streams the answer through the gateway (text reaches the
 * column as it arrives), then a query for the request record the gateway wrote, which is where
 * tokens, cost and timings come from. The record is written just before the stream's last byte,
 * or just after a stop, so a 404 is tried again a few times.
 */
export function useColumnRun(tenant: string, columnId: string) {
  const [live, setLive] = useState<LiveRun>(IDLE);
  const mutation = useMutation({
    mutationKey: [...RUN_KEY, columnId],
    mutationFn: async ({ body, signal }: RunVariables) => {
      setLive(IDLE);
      const startedAt = performance.now();
      const res = await fetch(`/api/t/${encodeURIComponent(tenant)}/playground/run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal,
      });
      if (!res.ok || !res.body) throw new Error(await problemMessage(res));
      const meta = { requestId: res.headers.get("x-request-id"), versionId: res.headers.get("x-keel-model-version") };
      setLive((l) => ({ ...l, ...meta }));
      return { ...(await readChatStream(res.body, (text) => setLive((l) => ({ ...l, text: l.text + text })), startedAt)), ...meta };
    },
  });
  const record = useQuery({
    queryKey: ["playground", "run-record", tenant, live.requestId],
    queryFn: () => fetchRecord(tenant, live.requestId!),
    enabled: live.requestId !== null && !mutation.isPending,
    staleTime: Infinity,
    retry: (failures, error) => error instanceof RecordNotYet && failures < 6,
    retryDelay: (failures) => Math.min(200 * 2 ** failures, 2_000),
  });
  const stopped = mutation.isError && mutation.variables?.signal.aborted === true;
  return { live, mutation, record, stopped };
}
