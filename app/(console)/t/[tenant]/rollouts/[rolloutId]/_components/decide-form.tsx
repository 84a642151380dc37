"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { decideRollout } from "@/lib/rollouts/actions";

type Verdict = "APPROVED" | "REJECTED";
type Refusal = { error: string; fieldErrors?: Record<string, string[]> };

/**
 * An approver's decision on the next promotion (`toStep`): a comment, then Approve or Reject, or
 * Reject alone when approving is not open to this viewer now. The server's refusal shows here, with
 * what was typed kept; a decision that went through refreshes the page.
 */
export function DecideForm({ tenant, rolloutId, toStep, target, mayApprove }: { tenant: string; rolloutId: string; toStep: number; target: string; mayApprove: boolean }) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [refusal, setRefusal] = useState<Refusal>();
  const [pending, start] = useTransition();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const verdict = (event.nativeEvent as SubmitEvent).submitter?.getAttribute("value") as Verdict;
    start(async () => {
      const r = await decideRollout({ tenant, rolloutId, toStep, verdict, comment });
      if (!r.ok) return setRefusal(r);
      setRefusal(undefined);
      setComment("");
      router.refresh();
    });
  };
  const commentErrors = refusal?.fieldErrors?.comment;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Decide on this promotion" className="space-y-3">
      <FormError message={refusal?.error} />
      <Field label="Comment" htmlFor="decision-comment" error={commentErrors} hint={`Required either way; it goes on the audit trail with the figures above. ${mayApprove ? `Approving promotes to ${target}; r` : "R"}ejecting ends the rollout and returns all traffic to the baseline.`}>
        <Textarea id="decision-comment" name="comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} aria-invalid={!!commentErrors} />
      </Field>
      <div className="flex flex-wrap gap-2">
        {mayApprove && <Button type="submit" value="APPROVED" disabled={pending}>Approve</Button>}
        <Button type="submit" value="REJECTED" variant="destructive" disabled={pending}>Reject</Button>
      </div>
    </form>
  );
}
