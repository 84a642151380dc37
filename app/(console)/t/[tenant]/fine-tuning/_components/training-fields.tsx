"use client";

import { useState } from "react";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";

const EXAMPLE = '{"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Let me look it up."}]}';

/**
 * The training examples, from a JSONL file read in the browser (its name becomes the training
 * name) or pasted; with a file chosen the paste box goes away, so it is always clear which is sent.
 */
export function TrainingFields({ errors }: { errors: (name: string) => string[] | undefined }) {
  const [fileName, setFileName] = useState("");
  const [name, setName] = useState("");
  const choose = (file: File | undefined) => {
    setFileName(file?.name ?? "");
    if (file) setName(file.name);
  };
  return (
    <>
      <Field
        label="Training file"
        htmlFor="ft-file"
        error={fileName ? errors("training") : undefined}
        hint={`JSONL: one {"messages": [...]} a line, each ending with the assistant's answer to learn. Read in your browser and checked before anything is sent.`}
      >
        <Input id="ft-file" name="file" type="file" accept=".jsonl,.ndjson,.json,.txt" onChange={(e) => choose(e.target.files?.[0])} aria-invalid={!!fileName && !!errors("training")} />
      </Field>
      {!fileName && (
        <Field label="Or paste the examples" htmlFor="ft-training" error={errors("training")}>
          <Textarea id="ft-training" name="training" rows={5} className="font-mono text-xs" placeholder={EXAMPLE} aria-invalid={!!errors("training")} />
        </Field>
      )}
      <Field label="Training name" htmlFor="ft-training-name" error={errors("trainingName")} hint="Recorded in the version's lineage as its dataset.">
        <Input id="ft-training-name" name="trainingName" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" aria-invalid={!!errors("trainingName")} />
      </Field>
    </>
  );
}
