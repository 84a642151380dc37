"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setVersionPrices } from "@/lib/endpoints/actions";

export type PricedVersion = { id: string; label: string; inputPricePerMTok: string; outputPricePerMTok: string; priced: boolean };

/** A manager sets what a version costs per million tokens; an unpriced version can answer from then on. */
export function SetPricesDialog({ tenant, endpointId, version, activates }: { tenant: string; endpointId: string; version: PricedVersion; activates: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(setVersionPrices, () => {
    setOpen(false);
    reset();
    router.refresh();
  });
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) reset(); }}>
      <DialogTrigger asChild>
        <Button size="sm" variant={version.priced ? "outline" : "default"} aria-label={`Set prices of ${version.label}`}>
          {version.priced ? "Prices" : "Set prices"}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Prices of {version.label}</DialogTitle>
          <DialogDescription>
            USD per million tokens. The gateway charges every call to this version at these prices against the tenant&apos;s budget
            {activates ? "; this endpoint has no active version yet, so this version becomes active" : ""}.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          {formError && <FormError message={formError} />}
          <input type="hidden" name="tenant" value={tenant} />
          <input type="hidden" name="endpointId" value={endpointId} />
          <input type="hidden" name="versionId" value={version.id} />
          <div className="grid grid-cols-2 gap-3">
            <Field label="Input price" htmlFor={`p-in-${version.id}`} error={errors("inputPricePerMTok")}>
              <Input id={`p-in-${version.id}`} name="inputPricePerMTok" inputMode="decimal" defaultValue={version.priced ? version.inputPricePerMTok : ""} />
            </Field>
            <Field label="Output price" htmlFor={`p-out-${version.id}`} error={errors("outputPricePerMTok")}>
              <Input id={`p-out-${version.id}`} name="outputPricePerMTok" inputMode="decimal" defaultValue={version.priced ? version.outputPricePerMTok : ""} />
            </Field>
          </div>
          <DialogFooter>
            <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save prices"}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
