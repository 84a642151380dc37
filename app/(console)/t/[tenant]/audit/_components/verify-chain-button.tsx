"use client";

import { useState, useTransition } from "react";
import { ShieldCheck, ShieldX } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { ChainVerdict } from "@/lib/audit/verify";
import type { PromptVerdict } from "@/lib/audit/verify-prompts";
import type { RequestVerdict } from "@/lib/audit/verify-requests";
import type { TrailsVerdict } from "@/lib/audit/verify-trails";

type Verdict = TrailsVerdict;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Asks the server to verify the audit chain against Keel's signed head, the request records
 * against their seals and the prompt library against its events, and shows where any breaks.
 */
export function VerifyChainButton({ tenant }: { tenant: string }) {
  const [verdict, setVerdict] = useState<Verdict | { error: string } | null>(null);
  const [pending, start] = useTransition();
  const verify = () =>
    start(async () => {
      const res = await fetch(`/api/t/${tenant}/audit/verify`, { cache: "no-store" });
      const body = await res.json();
      setVerdict(res.ok ? body : { error: body?.error?.message ?? "Verification failed." });
    });
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="outline" onClick={verify} disabled={pending}>
        <ShieldCheck className="size-4" aria-hidden /> {pending ? "Verifying…" : "Verify chain"}
      </Button>
      {verdict && "error" in verdict && (
        <p role="status" data-testid="chain-verdict" className="max-w-md text-right text-xs text-destructive">
          {verdict.error}
        </p>
      )}
      {verdict && !("error" in verdict) && (
        <div role="status" className="flex max-w-md flex-col items-end gap-1 text-right text-xs">
          <ChainLine verdict={verdict.audit} />
          <RecordsLine verdict={verdict.requests} />
          <PromptsLine verdict={verdict.prompts} />
          <details className="text-muted-foreground">
            <summary className="cursor-pointer">Public key for offline verification</summary>
            <code className="break-all" data-testid="audit-public-key">{verdict.publicKeys}</code>
          </details>
        </div>
      )}
    </div>
  );
}

function ChainLine({ verdict }: { verdict: ChainVerdict }) {
  const head = verdict.signedHead;
  const signed = head
    ? `signed head #${head.seq} at ${new Date(head.signedAt).toLocaleString()} (key ${head.keyId})`
    : "no signed head yet (events from before signing)";
  return (
    <p data-testid="chain-verdict">
      {verdict.ok ? (
        <span className="text-success">
          Intact: {plural(verdict.checked, "event")}, head {verdict.headHash.slice(0, 12)}…; {signed}
        </span>
      ) : (
        <span className="inline-flex items-start gap-1 text-destructive">
          <ShieldX className="mt-0.5 size-3.5 shrink-0" aria-hidden />
          <span>
            Broken at event #{verdict.broken.seq}
            {verdict.broken.eventId ? ` (${verdict.broken.eventId})` : ""}: {verdict.broken.reason}. Checked {plural(verdict.checked, "event")}; {signed}.
          </span>
        </span>
      )}
    </p>
  );
}

function RecordsLine({ verdict }: { verdict: RequestVerdict }) {
  const counts =
    `${plural(verdict.sealed, "request record")} in ${plural(verdict.seals, "seal")}, ${verdict.unsealed} not yet sealed` +
    (verdict.legacy ? `, ${verdict.legacy} from before record MACs` : "");
  return <ProblemsLine testId="records-verdict" intact={`Request records intact: ${counts}`} subject="Request records" verdict={verdict} counts={counts} />;
}

function PromptsLine({ verdict }: { verdict: PromptVerdict }) {
  const counts =
    `${plural(verdict.prompts, "prompt")} with ${plural(verdict.versions, "version")}` +
    (verdict.changed ? `, ${verdict.changed} changed while verifying (verify again to check their newest versions)` : "");
  return <ProblemsLine testId="prompts-verdict" intact={`Prompt library matches the trail: ${counts}`} subject="Prompt library" verdict={verdict} counts={counts} />;
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
            {props.subject}: {verdict.problem.reason}
            {verdict.problems.length > 1 || verdict.more ? ` (and ${verdict.more ? "more than " : ""}${verdict.problems.length - 1} more)` : ""}. {props.counts}.
          </span>
        </span>
      )}
    </p>
  );
}
