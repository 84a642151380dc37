"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { FormError, FormSuccess } from "@/components/ui/field";
import { setRolloutApprovals } from "@/lib/rollouts/actions";

/** How many approvers, other than the requester, each promotion of a rollout needs: one or two. */
export function RolloutApprovalsForm({ tenant, current }: { tenant: string; current: number }) {
  const router = useRouter();
  const [approvals, setApprovals] = useState(String(current));
  const { onSubmit, pending, errors, formError, result } = useActionForm(setRolloutApprovals, () => router.refresh());
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <input type="hidden" name="tenant" value={tenant} />
      <div role="radiogroup" aria-label="Approvers per promotion" className="space-y-3 text-sm">
        {["1", "2"].map((n) => (
          <label key={n} className="flex items-center gap-2">
            <input type="radio" name="approvals" value={n} checked={approvals === n} onChange={() => setApprovals(n)} />
            {n === "1" ? "One approver per promotion" : "Two approvers per promotion, each deciding on their own"}
          </label>
        ))}
      </div>
      {errors("approvals") && <p role="alert" className="text-xs text-destructive">{errors("approvals")!.join(" ")}</p>}
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save approvals"}</Button>
      <FormError message={formError} />
      {result?.ok && <FormSuccess message="Saved. It applies to the next promotion of every rollout." />}
    </form>
  );
}
