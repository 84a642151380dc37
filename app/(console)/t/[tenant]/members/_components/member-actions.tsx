"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { NativeSelect } from "@/components/ui/input";
import { ROLES, ROLE_LABELS } from "@/lib/auth/permissions";
import { changeMemberRole, removeMember } from "@/lib/tenancy/actions";

/** Change a member's role or remove them; the server's refusal (e.g. the last owner) shows inline. */
export function MemberActions(props: { tenant: string; membershipId: string; email: string; role: string; isSelf: boolean; canTouchOwners: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const locked = props.role === "OWNER" && !props.canTouchOwners;

  const run = (work: () => Promise<{ ok: boolean; error?: string }>) =>
    start(async () => {
      setError(undefined);
      const r = await work();
      if (!r.ok) setError(r.error);
      router.refresh();
    });

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center justify-end gap-2">
        <NativeSelect
          aria-label={`Role for ${props.email}`}
          value={props.role}
          disabled={pending || locked}
          className="h-8 w-44"
          onChange={(e) => run(() => changeMemberRole({ tenant: props.tenant, membershipId: props.membershipId, role: e.target.value }))}
        >
          {ROLES.filter((r) => props.canTouchOwners || r !== "OWNER" || r === props.role).map((r) => (
            <option key={r} value={r}>{ROLE_LABELS[r]}</option>
          ))}
        </NativeSelect>
        <Dialog>
          <DialogTrigger asChild>
            <Button variant="ghost" size="sm" disabled={pending || locked} aria-label={`Remove ${props.email}`}>
              Remove
            </Button>
          </DialogTrigger>
          <DialogContent>
            <DialogHeader>
              <DialogTitle>Remove {props.email}?</DialogTitle>
              <DialogDescription>
                {props.isSelf ? "You will lose access to this tenant." : "They lose access to this tenant. Their Keel account stays."}
              </DialogDescription>
            </DialogHeader>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="outline">Cancel</Button>
              </DialogClose>
              <DialogClose asChild>
                <Button variant="destructive" onClick={() => run(() => removeMember({ tenant: props.tenant, membershipId: props.membershipId }))}>
                  Remove
                </Button>
              </DialogClose>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      </div>
      {error && <p role="alert" className="text-xs text-destructive">{error}</p>}
    </div>
  );
}
