"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Plus } from "lucide-react";
import { OneTimeSecret } from "@/components/forms/one-time-secret";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { createApiKey } from "@/lib/keys/actions";

/** Creates a key with its scope and limits; the secret is shown once. */
export function CreateKeyDialog({ tenant, endpoints }: { tenant: string; endpoints: string[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(createApiKey, (data) => {
    setSecret(data.secret);
    router.refresh();
  });
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setSecret(null);
      reset();
    }
  };
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button><Plus className="size-4" aria-hidden /> Create key</Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{secret ? "Key created" : "Create an API key"}</DialogTitle>
          <DialogDescription>{secret ? "Copy it now: Keel stores only its hash." : "Use it as the apiKey of the official OpenAI client, with baseURL set to this Keel's /api/v1."}</DialogDescription>
        </DialogHeader>
        {secret ? (
          <>
            <OneTimeSecret value={secret} note="This key is shown once. Store it in your application's secrets." testId="api-key-secret" />
            <DialogFooter><Button onClick={() => close(false)}>Done</Button></DialogFooter>
          </>
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-4">
            {formError && <FormError message={formError} />}
            <input type="hidden" name="tenant" value={tenant} />
            <Field label="Name" htmlFor="key-name" error={errors("name")}>
              <Input id="key-name" name="name" placeholder="support-bot production" aria-invalid={!!errors("name")} />
            </Field>
            <fieldset className="space-y-1.5">
              <legend className="text-sm font-medium">Endpoints</legend>
              <p className="text-xs text-muted-foreground">None ticked means every endpoint of the tenant.</p>
              <div className="flex flex-wrap gap-3">
                {endpoints.map((name) => (
                  <label key={name} className="flex items-center gap-1.5 text-sm">
                    <input type="checkbox" name="allowedEndpoints" value={name} /> {name}
                  </label>
                ))}
                {endpoints.length === 0 && <span className="text-xs text-muted-foreground">No endpoints yet.</span>}
              </div>
              {errors("allowedEndpoints") && <p role="alert" className="text-sm text-destructive">{errors("allowedEndpoints")!.join(" ")}</p>}
            </fieldset>
            <div className="grid grid-cols-2 gap-3">
              <Field label="Requests / minute" htmlFor="key-rpm" error={errors("requestsPerMinute")} hint="Empty: no limit">
                <Input id="key-rpm" name="requestsPerMinute" inputMode="numeric" aria-invalid={!!errors("requestsPerMinute")} />
              </Field>
              <Field label="Tokens / minute" htmlFor="key-tpm" error={errors("tokensPerMinute")} hint="Empty: no limit">
                <Input id="key-tpm" name="tokensPerMinute" inputMode="numeric" aria-invalid={!!errors("tokensPerMinute")} />
              </Field>
            </div>
            <Field label="Expires" htmlFor="key-expires" error={errors("expiresAt")} hint="Empty: never">
              <Input id="key-expires" name="expiresAt" type="date" aria-invalid={!!errors("expiresAt")} />
            </Field>
            <DialogFooter>
              <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create key"}</Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
