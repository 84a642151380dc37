"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { ShieldCheck, ShieldX } from "lucide-react";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/ui/local-time";
import type { ChainVerdict } from "@/lib/audit/verify";
import type { VerifyPhase, VerifyProgress } from "@/lib/audit/verify-progress";
import type { PromptVerdict } from "@/lib/audit/verify-prompts";
import type { RequestVerdict } from "@/lib/audit/verify-requests";
import type { SettingsVerdict } from "@/lib/audit/verify-settings";
import type { TrailsVerdict } from "@/lib/audit/verify-trails";

type Verdict = TrailsVerdict & { recordedAs?: number };
/** A part's progress as this page saw it: when its first report came, and its latest. */
type PhaseState = VerifyProgress & { since: number; at: number; sinceDone: number };
type Line = ({ type: "progress" } & VerifyProgress) | ({ type: "verdict" } & Verdict) | { type: "error"; message: string };

const PHASES: { phase: VerifyPhase; label: string; unit: string }[] = [
  { phase: "audit", label: "Audit chain", unit: "events" },
  { phase: "requests", label: "Request records", unit: "records" },
  { phase: "prompts", label: "Prompt library", unit: "prompts" },
];

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/**
 * Asks the server to verify the audit chain against Keel's signed head, the request records
 * against their seals and the prompt library against its events, shows how far it has come part by
 * part, then where any breaks. The server records each verification in the chain.
 */
export function VerifyChainButton({ tenant }: { tenant: string }) {
  const router = useRouter();
  const [verdict, setVerdict] = useState<Verdict | { error: string } | null>(null);
  const [phases, setPhases] = useState<Partial<Record<VerifyPhase, PhaseState>>>({});
  const [pending, setPending] = useState(false);

  const onProgress = (p: VerifyProgress) =>
    setPhases((all) => {
      const now = Date.now();
      const seen = all[p.phase];
      return { ...all, [p.phase]: { ...p, since: seen?.since ?? now, sinceDone: seen?.sinceDone ?? p.done, at: now } };
    });

  const verify = async () => {
    setPending(true);
    setVerdict(null);
    setPhases({});
    try {
      setVerdict(await runVerification(tenant, onProgress));
      router.refresh();
    } catch {
      setVerdict({ error: "Verification failed: the connection to Keel was lost. Try again." });
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="outline" onClick={verify} disabled={pending}>
        <ShieldCheck className="size-4" aria-hidden /> {pending ? "Verifying…" : "Verify chain"}
      </Button>
      {pending && <ProgressBars phases={phases} />}
      {verdict && "error" in verdict && (
        <p role="status" data-testid="chain-verdict" className="max-w-md text-right text-xs text-destructive">
          {verdict.error}
        </p>
      )}
      {verdict && !("error" in verdict) && (
        <div role="status" className="flex max-w-md flex-col items-end gap-1 text-right text-xs">
          <ChainLine verdict={verdict.audit} />
          <SignedHeadLine verdict={verdict.audit} />
          <RecordsLine verdict={verdict.requests} />
          <PromptsLine verdict={verdict.prompts} />
          <SettingsLine verdict={verdict.settings} />
          {verdict.recordedAs !== undefined && (
            <p className="text-muted-foreground" data-testid="verify-recorded">
              This verification is recorded as audit event #{verdict.recordedAs}.
            </p>
          )}
          <details className="text-muted-foreground">
            <summary className="cursor-pointer">Public key for offline verification</summary>
            <code className="break-all" data-testid="audit-public-key">{verdict.publicKeys}</code>
          </details>
        </div>
      )}
    </div>
  );
}

/** Reads the route's NDJSON lines, reporting progress as it comes; resolves to the verdict or the refusal's message. */
async function runVerification(tenant: string, onProgress: (p: VerifyProgress) => void): Promise<Verdict | { error: string }> {
  const res = await fetch(`/api/t/${tenant}/audit/verify?progress=1`, { cache: "no-store", headers: { accept: "application/x-ndjson" } });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => null);
    return { error: body?.error?.message ?? "Verification failed." };
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffered += value;
    const lines = buffered.split("\n");
    buffered = done ? "" : lines.pop()!;
    for (const text of lines) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as Line;
      if (line.type === "progress") onProgress(line);
      else if (line.type === "error") return { error: line.message };
      else return line;
    }
    if (done) return { error: "Verification ended without a verdict. Try again." };
  }
}

function ProgressBars({ phases }: { phases: Partial<Record<VerifyPhase, PhaseState>> }) {
  return (
    <div className="flex w-72 flex-col gap-1.5 text-xs" data-testid="verify-progress" aria-live="polite">
      {PHASES.map(({ phase, label, unit }) => {
        const p = phases[phase];
        const percent = p ? (p.total > 0 ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 100) : 0;
        const seconds = p ? (p.at - p.since) / 1000 : 0;
        const rate = p && seconds > 0.2 ? Math.round((p.done - p.sinceDone) / seconds) : null;
        return (
          <div key={phase} className={p ? "" : "opacity-50"}>
            <div className="flex justify-between gap-2 text-muted-foreground">
              <span>{label}</span>
              <span className="tabular-nums">
                {p ? `${p.done.toLocaleString()} of ${plural(p.total, unit.slice(0, -1), unit)} · ${percent}%${rate !== null ? ` · ${rate.toLocaleString()}/s` : ""}` : "waiting"}
              </span>
            </div>
            <div
              role="progressbar"
              aria-label={label}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="h-1.5 overflow-hidden rounded-full bg-muted"
            >
              <div className="h-full rounded-full bg-primary transition-[width]" style={{ width: `${percent}%` }} />
            </div>
          </div>
        );
      })}
    </div>
  );
}

function ChainLine({ verdict }: { verdict: ChainVerdict }) {
  return (
    <p data-testid="chain-verdict">
      {verdict.ok ? (
        <span className="text-success">
          Intact: {plural(verdict.checked, "event")}, head {verdict.headHash.slice(0, 12)}…
        </span>
      ) : (
        <span className="inline-flex items-start gap-1 text-destructive">
          <ShieldX className="mt-0.5 size-3.5 shrink-0" aria-hidden />
          <span>
            Broken at event #{verdict.broken.seq}
            {verdict.broken.eventId ? ` (${verdict.broken.eventId})` : ""}: {verdict.broken.reason}. Checked {plural(verdict.checked, "event")} before it.
          </span>
        </span>
      )}
    </p>
  );
}

/** The newest head Keel signed, which the chain was checked against. */
function SignedHeadLine({ verdict }: { verdict: ChainVerdict }) {
  const head = verdict.signedHead;
  if (!head) return <p className="text-muted-foreground" data-testid="signed-head">No signed head yet (events from before signing).</p>;
  return (
    <p className={head.valid ? "text-muted-foreground" : "text-destructive"} data-testid="signed-head">
      Last signed head: event #{head.seq}, hash <code title={head.hash}>{head.hash.slice(0, 12)}…</code>, key {head.keyId}, signed{" "}
      <LocalTime value={head.signedAt} precision="second" />
      {head.valid ? "" : " (its signature does not verify with Keel's public key)"}.
    </p>
  );
}

function RecordsLine({ verdict }: { verdict: RequestVerdict }) {
  const counts =
    `${plural(verdict.sealed, "request record")} in ${plural(verdict.seals, "seal")}, ${verdict.unsealed.toLocaleString()} not yet sealed` +
    (verdict.legacy ? `, ${verdict.legacy.toLocaleString()} from before record MACs` : "");
  return <ProblemsLine testId="records-verdict" intact={`Request records intact: ${counts}`} subject="Request records" verdict={verdict} counts={counts} />;
}

function PromptsLine({ verdict }: { verdict: PromptVerdict }) {
  const counts =
    `${plural(verdict.prompts, "prompt")} with ${plural(verdict.versions, "version")}` +
    (verdict.changed ? `, ${verdict.changed} changed while verifying (verify again to check their newest versions)` : "");
  return <ProblemsLine testId="prompts-verdict" intact={`Prompt library matches the trail: ${counts}`} subject="Prompt library" verdict={verdict} counts={counts} />;
}

function SettingsLine({ verdict }: { verdict: SettingsVerdict }) {
  const days = verdict.contentRetentionDays;
  const mode = days === null ? "input hashes only" : `prompts and responses kept for ${plural(days, "day")}`;
  return <ProblemsLine testId="settings-verdict" intact={`Content retention matches the trail: ${mode}`} subject="Content retention" verdict={{ ...verdict, problems: verdict.problem ? [verdict.problem] : [], more: false }} counts={`Now ${mode}`} />;
}

/** A verdict that lists problems: intact, or the first problem, how many more, and the counts. */
function ProblemsLine(props: {
  testId: string;
  intact: string;
  subject: string;
  verdict: { ok: boolean; problem: { reason: string } | null; problems: unknown[]; more: boolean };
  counts: string;
}) {
  const { verdict } = props;
  return (
    <p data-testid={props.testId}>
      {verdict.ok || !verdict.problem ? (
        <span className="text-success">{props.intact}</span>
      ) : (
        <span className="inline-flex items-start gap-1 text-destructive">
          <ShieldX className="mt-0.5 size-3.5 shrink-0" aria-hidden />
          <span>
            {props.subject}: first problem: {verdict.problem.reason}
            {verdict.problems.length > 1 || verdict.more ? ` (and ${verdict.more ? "more than " : ""}${verdict.problems.length - 1} more)` : ""}. {props.counts}.
          </span>
        </span>
      )}
    </p>
  );
}
