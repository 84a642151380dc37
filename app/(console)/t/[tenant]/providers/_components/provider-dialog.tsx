"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Pencil, Plus } from "lucide-react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { createProvider, updateProvider } from "@/lib/providers/actions";

type Existing = { id: string; name: string; baseUrl: string | null; hasApiKey: boolean };

/** Adds a provider, or edits one's base URL and key (the stored key is never shown). */
export function ProviderDialog({ tenant, provider }: { tenant: string; provider?: Existing }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(provider ? updateProvider : createProvider, () => {
    setOpen(false);
    reset();
    router.refresh();
  });
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) reset(); }}>
      <DialogTrigger asChild>
        {provider ? (
          <Button variant="ghost" size="sm" aria-label={`Edit ${provider.name}`}><Pencil className="size-4" aria-hidden /> Edit</Button>
        ) : (
          <Button><Plus className="size-4" aria-hidden /> Add provider</Button>
        )}
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{provider ? `Edit ${provider.name}` : "Add an OpenAI-compatible provider"}</DialogTitle>
          <DialogDescription>Any API that speaks OpenAI's protocol. The key is encrypted with the master key before it is stored.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          {formError && <FormError message={formError} />}
          <input type="hidden" name="tenant" value={tenant} />
          {provider ? (
            <input type="hidden" name="providerId" value={provider.id} />
          ) : (
            <Field label="Name" htmlFor="provider-name" error={errors("name")}>
              <Input id="provider-name" name="name" placeholder="OpenAI" aria-invalid={!!errors("name")} />
            </Field>
          )}
          <Field
            label="Base URL"
            htmlFor="provider-url"
            error={errors("baseUrl")}
            hint="e.g. https://api.openai.com/v1. Private and loopback addresses (a local Ollama) need the platform's KEEL_OUTBOUND_ALLOW."
          >
            <Input id="provider-url" name="baseUrl" defaultValue={provider?.baseUrl ?? ""} aria-invalid={!!errors("baseUrl")} />
          </Field>
          <Field
            label="API key"
            htmlFor="provider-key"
            error={errors("apiKey")}
            hint={
              provider?.hasApiKey
                ? "A key is stored. Leave empty to keep it, as long as the base URL keeps its scheme, host and port; for another host, enter its key."
                : "Leave empty for providers that need none (e.g. a local Ollama)."
            }
          >
            <Input id="provider-key" name="apiKey" type="password" autoComplete="off" aria-invalid={!!errors("apiKey")} />
          </Field>
          {provider?.hasApiKey && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="clearApiKey" value="true" /> Remove the stored key
            </label>
          )}
          <DialogFooter>
            <Button type="submit" disabled={pending}>{pending ? "Saving…" : provider ? "Save" : "Add provider"}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
