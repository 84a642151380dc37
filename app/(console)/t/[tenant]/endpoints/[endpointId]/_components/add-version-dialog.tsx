"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Plus } from "lucide-react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { addVersion } from "@/lib/endpoints/actions";
import { VersionFields, type ProviderOption } from "../../_components/version-fields";

/** Adds a model version to an endpoint, optionally switching traffic to it at once. */
export function AddVersionDialog({ tenant, endpointId, providers, canPrice }: { tenant: string; endpointId: string; providers: ProviderOption[]; canPrice: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(addVersion, () => {
    setOpen(false);
    reset();
    router.refresh();
  });
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) reset(); }}>
      <DialogTrigger asChild>
        <Button><Plus className="size-4" aria-hidden /> Add version</Button>
      </DialogTrigger>
      <DialogContent className="max-w-xl">
        <DialogHeader>
          <DialogTitle>Add a version</DialogTitle>
          <DialogDescription>A new provider model, prices or defaults behind the same endpoint name.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          {formError && <FormError message={formError} />}
          <input type="hidden" name="tenant" value={tenant} />
          <input type="hidden" name="endpointId" value={endpointId} />
          <VersionFields providers={providers} errors={errors} canPrice={canPrice} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="activate" value="true" /> Make it active now
          </label>
          <DialogFooter>
            <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add version"}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
