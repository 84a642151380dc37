"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ConfirmAction } from "@/components/forms/confirm-action";
import { ReadOnlyNote } from "@/components/forms/read-only";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";
import { ROLES, ROLE_LABELS } from "@/lib/auth/permissions";
import { changeMemberRole, removeMember } from "@/lib/tenancy/actions";

/**
 * Change a member's role, or remove them after a confirmation; the server's refusal (e.g. the
 * last owner) shows inline. An admin sees an owner's row as values: only owners change owners.
 */
export function MemberActions(props: { tenant: string; membershipId: string; email: string; role: string; isSelf: boolean; canTouchOwners: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  if (props.role === "OWNER" && !props.canTouchOwners) {
    return <ReadOnlyNote className="justify-end">Only owners can change or remove an owner.</ReadOnlyNote>;
  }

  const changeRole = (role: string) =>
    start(async () => {
      setError(undefined);
      const r = await changeMemberRole({ tenant: props.tenant, membershipId: props.membershipId, role });
      if (!r.ok) setError(r.error);
      router.refresh();
    });

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center justify-end gap-2">
        <NativeSelect
          aria-label={`Role for ${props.email}`}
          value={props.role}
          disabled={pending}
          className="h-8 w-44"
          onChange={(e) => changeRole(e.target.value)}
        >
          {ROLES.filter((r) => props.canTouchOwners || r !== "OWNER" || r === props.role).map((r) => (
            <option key={r} value={r}>{ROLE_LABELS[r]}</option>
          ))}
        </NativeSelect>
        <ConfirmAction
          trigger={
            <Button variant="ghost" size="sm" disabled={pending} aria-label={`Remove ${props.email}`}>
              Remove
            </Button>
          }
          title={`Remove ${props.email}?`}
          description={
            props.isSelf
              ? "You lose access to this tenant at once; only an owner or admin can invite you back. Your Keel account stays."
              : `${props.email} loses access to this tenant at once. Their Keel account stays, and this tenant's API keys keep working.`
          }
          confirmLabel="Remove member"
          run={() => removeMember({ tenant: props.tenant, membershipId: props.membershipId })}
          // Without their membership this tenant's pages are 404 to them.
          onSuccess={props.isSelf ? () => router.push("/") : undefined}
        />
      </div>
      {error && <p role="alert" className="text-xs text-destructive">{error}</p>}
    </div>
  );
}
