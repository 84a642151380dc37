"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Plus } from "lucide-react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { OneTimeSecret } from "@/components/forms/one-time-secret";
import { createTenant } from "@/lib/tenancy/admin-actions";

/** Creates a tenant with its first owner; only an owner new to Keel gets a one-time link, shown once. */
export function CreateTenantDialog() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ slug: string; ownerEmail: string; ownerIsYou: boolean; link: string | null } | null>(null);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(createTenant, (data) => {
    setCreated(data);
    router.refresh();
  });
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setCreated(null);
      reset();
    }
  };
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <Plus className="size-4" aria-hidden /> New tenant
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{created ? "Tenant created" : "New tenant"}</DialogTitle>
          <DialogDescription>
            {created ? `/t/${created.slug} is ready; ${created.ownerEmail} owns it.` : "A tenant is an isolated workspace with its own members, models, keys and audit trail."}
          </DialogDescription>
        </DialogHeader>
        {created ? (
          <>
            {created.link ? <OneTimeSecret value={created.link} note="Send them this one-time sign-in link. It works once, for 7 days, and is not shown again." testId="one-time-link" /> : (
              <p className="text-sm" data-testid="existing-account">
                {created.ownerIsYou
                  ? "You own it; open it below."
                  : "The owner already has a Keel account, so there is no link to send. They can sign in as they usually do (or, if they have not set a password yet, with the link from the invitation that created their account) and will find this tenant."}
              </p>
            )}
            <DialogFooter>
              <Button variant="outline" onClick={() => close(false)}>Close</Button>
              {created.ownerIsYou && <Button onClick={() => router.push(`/t/${created.slug}`)}>Open tenant</Button>}
            </DialogFooter>
          </>
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-4">
            {formError && <FormError message={formError} />}
            <Field label="Name" htmlFor="tenant-name" error={errors("name")}>
              <Input id="tenant-name" name="name" placeholder="Globex Research" aria-invalid={!!errors("name")} />
            </Field>
            <Field label="Slug" htmlFor="tenant-slug" error={errors("slug")} hint="Used in URLs: /t/<slug>">
              <Input id="tenant-slug" name="slug" placeholder="globex" aria-invalid={!!errors("slug")} />
            </Field>
            <Field label="Owner's email" htmlFor="tenant-owner" error={errors("ownerEmail")}>
              <Input id="tenant-owner" name="ownerEmail" type="email" aria-invalid={!!errors("ownerEmail")} />
            </Field>
            <DialogFooter>
              <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create tenant"}</Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
