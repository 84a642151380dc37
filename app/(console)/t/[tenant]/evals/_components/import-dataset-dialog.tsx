"use client";

import { Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { importDataset } from "@/lib/evals/actions";
import { DatasetError, formatOf, parseDataset } from "@/lib/evals/dataset";
import type { ActionResult } from "@/lib/tenancy/result";

type ImportInput = { name: FormDataEntryValue | null; description: FormDataEntryValue | null; format: FormDataEntryValue | null; content: FormDataEntryValue | null };

/** The form as the action's input: a chosen file is read here, in the browser, and its name gives the format. */
async function importInput(form: FormData): Promise<ImportInput> {
  const file = form.get("file");
  const chosen = file instanceof File && file.name !== "" ? file : null;
  return {
    name: form.get("name"),
    description: form.get("description"),
    format: chosen ? formatOf(chosen.name) : form.get("format"),
    content: chosen ? await chosen.text() : form.get("content"),
  };
}

/**
 * The server parses the cases only once every other field is valid; the same parser runs here so
 * that a bad line is named together with the other fields' errors. The server's verdict stands.
 */
function withContentError<T>(result: ActionResult<T>, input: ImportInput): ActionResult<T> {
  if (result.ok || result.fieldErrors?.content || typeof input.content !== "string" || input.content === "") return result;
  if (input.format !== "jsonl" && input.format !== "csv") return result;
  try {
    parseDataset(input.content, input.format);
    return result;
  } catch (error) {
    if (!(error instanceof DatasetError)) return result;
    return { ...result, fieldErrors: { ...result.fieldErrors, content: [error.message] } };
  }
}

/** A builder imports a dataset of cases from a JSONL or CSV file, or from pasted text. */
export function ImportDatasetDialog({ tenant }: { tenant: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [fileName, setFileName] = useState("");
  const { onSubmit, pending, errors, formError, result, reset } = useActionForm(
    async (form): Promise<ActionResult<{ datasetId: string; cases: number }>> => {
      const input = await importInput(form as FormData);
      try {
        return withContentError(await importDataset({ tenant, ...input }), input);
      } catch {
        // The call itself failed (the connection, or a request larger than the server takes).
        return { ok: false, error: "The cases could not be sent to Keel; nothing was imported. Try again, or split a very large file." };
      }
    },
    (data) => {
      setOpen(false);
      router.push(`/t/${tenant}/evals/datasets/${data.datasetId}`);
    },
  );
  const contentErrors = errors("content");
  // The parser's refusal is the form's error and the content's; it shows once, under the content.
  const fieldMessages = result && !result.ok ? Object.values(result.fieldErrors ?? {}).flat() : [];
  const bannerError = formError && !fieldMessages.includes(formError) ? formError : undefined;
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) { reset(); setFileName(""); } }}>
      <DialogTrigger asChild>
        <Button variant="outline"><Upload className="size-4" aria-hidden /> Import dataset</Button>
      </DialogTrigger>
      <DialogContent className="max-w-xl">
        <DialogHeader>
          <DialogTitle>Import dataset</DialogTitle>
          <DialogDescription>
            One case a line in JSONL (<code>input</code> or <code>messages</code>, with <code>expected</code>, <code>rubric</code> or <code>schema</code>), or a CSV
            with a header row. A dataset never changes after import; import another to change it.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <FormError message={bannerError} />
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Name" htmlFor="ds-name" error={errors("name")}>
              <Input id="ds-name" name="name" placeholder="support-faq" autoComplete="off" aria-invalid={!!errors("name")} />
            </Field>
            <Field label="Description" htmlFor="ds-description" error={errors("description")}>
              <Input id="ds-description" name="description" aria-invalid={!!errors("description")} />
            </Field>
          </div>
          <Field
            label="File"
            htmlFor="ds-file"
            error={fileName ? contentErrors : undefined}
            hint={fileName ? `Read as ${formatOf(fileName) === "csv" ? "CSV" : "JSONL"}, from its name.` : ".jsonl or .csv; read in your browser and sent as text."}
          >
            <Input id="ds-file" name="file" type="file" accept=".jsonl,.ndjson,.json,.csv,.txt" onChange={(e) => setFileName(e.target.files?.[0]?.name ?? "")} aria-invalid={!!fileName && !!contentErrors} />
          </Field>
          {!fileName && (
            <div className="grid gap-3 sm:grid-cols-[1fr_10rem]">
              <Field label="Or paste the cases" htmlFor="ds-content" error={contentErrors}>
                <Textarea id="ds-content" name="content" rows={6} className="font-mono text-xs" placeholder={'{"input": "What is 2 + 2?", "expected": "4"}'} aria-invalid={!!contentErrors} />
              </Field>
              <Field label="Format" htmlFor="ds-format" error={errors("format")}>
                <NativeSelect id="ds-format" name="format" defaultValue="jsonl">
                  <option value="jsonl">JSONL</option>
                  <option value="csv">CSV</option>
                </NativeSelect>
              </Field>
            </div>
          )}
          <DialogFooter>
            <Button type="submit" disabled={pending}>{pending ? "Importing…" : "Import dataset"}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
