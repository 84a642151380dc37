"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Plus } from "lucide-react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { createEndpoint } from "@/lib/endpoints/actions";
import { VersionFields, type ProviderOption } from "./version-fields";

/** Creates an endpoint with its first version. */
export function CreateEndpointDialog({ tenant, providers, canPrice }: { tenant: string; providers: ProviderOption[]; canPrice: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(createEndpoint, (data) => {
    setOpen(false);
    router.push(`/t/${tenant}/endpoints/${data.endpointId}`);
  });
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) reset(); }}>
      <DialogTrigger asChild>
        <Button><Plus className="size-4" aria-hidden /> New endpoint</Button>
      </DialogTrigger>
      <DialogContent className="max-w-xl">
        <DialogHeader>
          <DialogTitle>New endpoint</DialogTitle>
          <DialogDescription>Callers send its name as `model`. Its first version answers until you switch.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          {formError && <FormError message={formError} />}
          <input type="hidden" name="tenant" value={tenant} />
          <div className="grid grid-cols-2 gap-3">
            <Field label="Name" htmlFor="e-name" error={errors("name")}>
              <Input id="e-name" name="name" placeholder="support-chat" aria-invalid={!!errors("name")} />
            </Field>
            <Field label="Kind" htmlFor="e-kind" error={errors("kind")}>
              <NativeSelect id="e-kind" name="kind" defaultValue="CHAT">
                <option value="CHAT">Chat completions</option>
                <option value="EMBEDDINGS">Embeddings</option>
              </NativeSelect>
            </Field>
          </div>
          <Field label="Description" htmlFor="e-desc" error={errors("description")}>
            <Input id="e-desc" name="description" />
          </Field>
          <VersionFields providers={providers} errors={errors} canPrice={canPrice} />
          <DialogFooter>
            <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create endpoint"}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
