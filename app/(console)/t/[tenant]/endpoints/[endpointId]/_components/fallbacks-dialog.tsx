"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ListOrdered } from "lucide-react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { NativeSelect } from "@/components/ui/input";
import { setFallbackVersions } from "@/lib/endpoints/actions";
import { MAX_FALLBACKS } from "@/lib/endpoints/schemas";

export type FallbackOption = { id: string; label: string; providerName: string; providerModel: string };

const PLACES = ["1st", "2nd", "3rd"].slice(0, MAX_FALLBACKS);

/**
 * Chooses up to three versions the gateway tries, in order, when the active version fails on the
 * provider's side. `versions` are the endpoint's versions other than the active one.
 */
export function FallbacksDialog({ tenant, endpointId, versions, current }: { tenant: string; endpointId: string; versions: FallbackOption[]; current: string[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(setFallbackVersions, () => {
    setOpen(false);
    reset();
    router.refresh();
  });
  const listErrors = errors("versionIds");
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) reset(); }}>
      <DialogTrigger asChild>
        <Button variant="outline"><ListOrdered className="size-4" aria-hidden /> Fallbacks</Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Fallbacks</DialogTitle>
          <DialogDescription>
            When the active version&apos;s provider fails (server errors, timeouts, unreachable, after its retries), the gateway tries these
            versions in order. A caller&apos;s own mistakes (4xx) never fall back.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          {formError && <FormError message={formError} />}
          <input type="hidden" name="tenant" value={tenant} />
          <input type="hidden" name="endpointId" value={endpointId} />
          {versions.length === 0 ? (
            <p className="text-sm text-muted-foreground">This endpoint has only its active version. Add another version to use it as a fallback.</p>
          ) : (
            PLACES.map((place, i) => (
              <Field key={place} label={`${place} fallback`} htmlFor={`fallback-${i + 1}`}>
                <NativeSelect id={`fallback-${i + 1}`} name="versionIds" defaultValue={current[i] ?? ""} aria-invalid={!!listErrors}>
                  <option value="">None</option>
                  {versions.map((v) => (
                    <option key={v.id} value={v.id}>{`${v.label} (${v.providerName} / ${v.providerModel})`}</option>
                  ))}
                </NativeSelect>
              </Field>
            ))
          )}
          {listErrors && (
            <div role="alert" className="space-y-0.5 text-xs text-destructive">
              {listErrors.map((m) => <p key={m}>{m}</p>)}
            </div>
          )}
          <DialogFooter>
            <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save fallbacks"}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
