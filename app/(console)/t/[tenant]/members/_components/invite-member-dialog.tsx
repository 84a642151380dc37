"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { UserPlus } from "lucide-react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { ROLES, ROLE_LABELS } from "@/lib/auth/permissions";
import { inviteMember } from "@/lib/tenancy/actions";
import { OneTimeSecret } from "@/components/forms/one-time-secret";

/**
 * Invites someone by email with a role. Only a person new to Keel gets a one-time link (shown
 * once); someone Keel already knows is added and signs in as before.
 */
export function InviteMemberDialog({ tenant, canGrantOwner }: { tenant: string; canGrantOwner: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [invited, setInvited] = useState<{ email: string; link: string | null } | null>(null);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(inviteMember, (data) => {
    setInvited({ email: data.email, link: data.link });
    router.refresh();
  });
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setInvited(null);
      reset();
    }
  };
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus className="size-4" aria-hidden /> Invite member
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{invited ? "Member invited" : "Invite a member"}</DialogTitle>
          <DialogDescription>
            {invited ? `${invited.email} is now a member.` : "They get the role you pick. People new to Keel get a one-time sign-in link."}
          </DialogDescription>
        </DialogHeader>
        {invited ? (
          <>
            {invited.link ? (
              <OneTimeSecret value={invited.link} note="Send them this one-time sign-in link. It works once, for 7 days, and is not shown again." testId="one-time-link" />
            ) : (
              <p className="text-sm" data-testid="existing-account">
                They already have a Keel account, so there is no link to send. They can sign in as they
                usually do (or, if they have not set a password yet, with the link from the invitation
                that created their account) and will find this tenant.
              </p>
            )}
            <DialogFooter>
              <Button onClick={() => close(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-4">
            {formError && <FormError message={formError} />}
            <input type="hidden" name="tenant" value={tenant} />
            <Field label="Email" htmlFor="invite-email" error={errors("email")}>
              <Input id="invite-email" name="email" type="email" aria-invalid={!!errors("email")} />
            </Field>
            <Field label="Role" htmlFor="invite-role" error={errors("role")}>
              <NativeSelect id="invite-role" name="role" defaultValue="DEVELOPER">
                {ROLES.filter((r) => canGrantOwner || r !== "OWNER").map((r) => (
                  <option key={r} value={r}>{ROLE_LABELS[r]}</option>
                ))}
              </NativeSelect>
            </Field>
            <DialogFooter>
              <Button type="submit" disabled={pending}>{pending ? "Inviting…" : "Invite"}</Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
