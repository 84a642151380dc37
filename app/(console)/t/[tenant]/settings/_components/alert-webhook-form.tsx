"use client";

import { useRouter } from "next/navigation";
import { OneTimeSecret } from "@/components/forms/one-time-secret";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setAlertWebhook } from "@/lib/monitoring/alerts/actions";

/** Where alerts are POSTed; saving a URL makes a new signing secret, shown here once. */
export function AlertWebhookForm({ tenant, current }: { tenant: string; current: string | null }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError, result } = useActionForm(setAlertWebhook, () => router.refresh());
  const secret = result?.ok ? result.data.secret : null;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <input type="hidden" name="tenant" value={tenant} />
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Webhook URL" htmlFor="alert-webhook" error={errors("url")} hint="Empty: alerts stay in the console" className="min-w-72 flex-1">
          <Input id="alert-webhook" name="url" type="url" placeholder="https://hooks.example.com/keel" defaultValue={current ?? ""} aria-invalid={!!errors("url")} />
        </Field>
        <Button type="submit" disabled={pending} className="mb-6">{pending ? "Saving…" : "Save webhook"}</Button>
      </div>
      {formError && <FormError message={formError} />}
      {secret && (
        <OneTimeSecret
          value={secret}
          testId="webhook-secret"
          note="The signing secret, shown this once. Each delivery carries X-Keel-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of “t.body” with this secret>."
        />
      )}
      {result?.ok && !secret && <FormSuccess message="Webhook removed: alerts stay in the console." />}
    </form>
  );
}
