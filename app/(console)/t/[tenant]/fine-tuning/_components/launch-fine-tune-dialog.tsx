"use client";

import { Sparkles } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { launchFineTune } from "@/lib/finetune/actions";
import { TrainingFileError, checkTrainingFile } from "@/lib/finetune/training";
import type { ActionResult } from "@/lib/tenancy/result";
import { TrainingFields } from "./training-fields";

type Choice = { id: string; name: string };
/** What the dialog offers: the tenant's OpenAI-compatible providers and chat endpoints. */
export type LaunchChoices = { providers: Choice[]; endpoints: Choice[] };

const FIELDS = ["providerId", "endpointId", "baseModel", "suffix", "trainingName", "hyperparameters"] as const;
type LaunchInput = Record<(typeof FIELDS)[number] | "training", string>;

/** The form as the action's input: a chosen file is read here, in the browser, and sent as text. */
async function launchInput(form: FormData): Promise<LaunchInput> {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const file = form.get("file");
  const chosen = file instanceof File && file.name !== "" ? file : null;
  const fields = Object.fromEntries(FIELDS.map((f) => [f, text(f)])) as Omit<LaunchInput, "training">;
  return { ...fields, training: chosen ? await chosen.text() : text("training") };
}

/**
 * The server checks the training file only once every other field is valid; the same check runs
 * here so that a bad line is named together with the other fields' errors. The server's verdict stands.
 */
function withTrainingError<T>(result: ActionResult<T>, training: string): ActionResult<T> {
  if (result.ok || result.fieldErrors?.training || training === "") return result;
  try {
    checkTrainingFile(training);
    return result;
  } catch (error) {
    if (!(error instanceof TrainingFileError)) return result;
    return { ...result, fieldErrors: { ...result.fieldErrors, training: [error.message] } };
  }
}

/** An owner or admin launches a fine-tuning job on one of the tenant's OpenAI-compatible providers. */
export function LaunchFineTuneDialog({ tenant, choices, canAddProviders }: { tenant: string; choices: LaunchChoices; canAddProviders: boolean }) {
  const [open, setOpen] = useState(false);
  // A new form (and file input) each time the dialog opens.
  const [round, setRound] = useState(0);
  const ready = choices.providers.length > 0 && choices.endpoints.length > 0;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setRound((r) => r + 1);
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Sparkles className="size-4" aria-hidden /> Launch fine-tune
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-xl">
        <DialogHeader>
          <DialogTitle>Launch fine-tune</DialogTitle>
          <DialogDescription>
            The provider trains a model from a base model and your examples, through OpenAI&apos;s fine-tuning API, and bills it to its own account, outside
            Keel&apos;s budgets. When it succeeds, the model becomes a draft version of the endpoint, unpriced, with its lineage recorded.
          </DialogDescription>
        </DialogHeader>
        {ready ? (
          <LaunchForm key={round} tenant={tenant} choices={choices} onLaunched={() => setOpen(false)} />
        ) : (
          <MissingChoices tenant={tenant} choices={choices} canAddProviders={canAddProviders} />
        )}
      </DialogContent>
    </Dialog>
  );
}

/** Why nothing can be launched yet, and where to fix it. */
function MissingChoices({ tenant, choices, canAddProviders }: { tenant: string; choices: LaunchChoices; canAddProviders: boolean }) {
  return (
    <div data-testid="finetune-missing" className="space-y-2 text-sm">
      {choices.providers.length === 0 && (
        <p>
          Fine-tuning needs an OpenAI-compatible provider whose API supports OpenAI&apos;s fine-tuning routes (<code>/v1/files</code> and{" "}
          <code>/v1/fine_tuning/jobs</code>); the built-in demo models cannot be trained. This tenant has none yet:{" "}
          {canAddProviders ? "add one on the " : "owners and admins add them on the "}
          <Link href={`/t/${tenant}/providers`} className="underline underline-offset-2">
            Providers
          </Link>{" "}
          screen.
        </p>
      )}
      {choices.endpoints.length === 0 && (
        <p>
          The trained model becomes a version of a chat endpoint, and this tenant has none: create one on the{" "}
          <Link href={`/t/${tenant}/endpoints`} className="underline underline-offset-2">
            Endpoints
          </Link>{" "}
          screen.
        </p>
      )}
    </div>
  );
}

function LaunchForm({ tenant, choices, onLaunched }: { tenant: string; choices: LaunchChoices; onLaunched: () => void }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError, result } = useActionForm(
    async (form): Promise<ActionResult<{ jobId: string }>> => {
      const input = await launchInput(form as FormData);
      try {
        return withTrainingError(await launchFineTune({ tenant, ...input }), input.training);
      } catch {
        // The call itself failed (the connection, or a request larger than the server takes).
        return { ok: false, error: "The training file could not be sent to Keel; nothing was launched. Try again, or use a smaller file." };
      }
    },
    () => {
      onLaunched();
      // The new job is first in the unfiltered list; a filter or a later page could hide it.
      if (window.location.search) router.push(`/t/${tenant}/fine-tuning`);
      else router.refresh();
    },
  );
  // A bad training line is the form's error and the field's; it shows once, under the field.
  const fieldMessages = result && !result.ok ? Object.values(result.fieldErrors ?? {}).flat() : [];
  const bannerError = formError && !fieldMessages.includes(formError) ? formError : undefined;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError message={bannerError} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Provider" htmlFor="ft-provider" error={errors("providerId")}>
          <NativeSelect id="ft-provider" name="providerId" aria-invalid={!!errors("providerId")}>
            {choices.providers.map((p) => (
              <option key={p.id} value={p.id}>{p.name}</option>
            ))}
          </NativeSelect>
        </Field>
        <Field label="Endpoint for the result" htmlFor="ft-endpoint" error={errors("endpointId")}>
          <NativeSelect id="ft-endpoint" name="endpointId" aria-invalid={!!errors("endpointId")}>
            {choices.endpoints.map((e) => (
              <option key={e.id} value={e.id}>{e.name}</option>
            ))}
          </NativeSelect>
        </Field>
        <Field label="Base model" htmlFor="ft-base-model" error={errors("baseModel")} hint="The provider's id of the model to train.">
          <Input id="ft-base-model" name="baseModel" placeholder="gpt-4o-mini-2024-07-18" autoComplete="off" aria-invalid={!!errors("baseModel")} />
        </Field>
        <Field label="Suffix" htmlFor="ft-suffix" error={errors("suffix")} hint="Optional; lowercase, digits, dashes. Names the version ft-<suffix>.">
          <Input id="ft-suffix" name="suffix" placeholder="support" autoComplete="off" aria-invalid={!!errors("suffix")} />
        </Field>
      </div>
      <TrainingFields errors={errors} />
      <Field label="Hyperparameters (JSON)" htmlFor="ft-hyperparameters" error={errors("hyperparameters")} hint="Optional: n_epochs (1–50), batch_size (1–256), learning_rate_multiplier (up to 10); the provider's defaults otherwise.">
        <Textarea id="ft-hyperparameters" name="hyperparameters" rows={2} className="min-h-0 font-mono text-xs" placeholder='{"n_epochs": 3}' aria-invalid={!!errors("hyperparameters")} />
      </Field>
      <DialogFooter>
        <Button type="submit" disabled={pending} aria-busy={pending || undefined}>
          {pending ? "Launching…" : "Launch fine-tune"}
        </Button>
      </DialogFooter>
    </form>
  );
}
