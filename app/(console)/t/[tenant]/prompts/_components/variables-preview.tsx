"use client";

import { useState } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { templateMessages, type PromptContent } from "@/lib/prompts/schemas";
import { MissingVariablesError, renderAll } from "@/lib/prompts/template";

/**
 * A form for the version's {{variables}} and the messages as an application would send them once
 * filled in. A blank field counts as missing, as it most likely is: the preview names what is left.
 */
export function VariablesPreview({ content, variables }: { content: Pick<PromptContent, "system" | "messages">; variables: string[] }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const messages = templateMessages(content);
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
  let rendered: string[] | null = null;
  let missing: string | null = null;
  try {
    rendered = renderAll(messages.map((m) => m.content), given);
  } catch (error) {
    if (!(error instanceof MissingVariablesError)) throw error;
    missing = error.message;
  }
  return (
    <Card data-testid="variables-preview">
      <CardHeader>
        <CardTitle>Fill in and preview</CardTitle>
        <CardDescription>
          {variables.length ? `This version uses ${variables.length} variable${variables.length === 1 ? "" : "s"}.` : "This version uses no variables."}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {variables.length > 0 && (
          <div className="grid gap-3 sm:grid-cols-2">
            {variables.map((name) => (
              <Field key={name} label={`{{${name}}}`} htmlFor={`var-${name}`}>
                <Input id={`var-${name}`} value={values[name] ?? ""} onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))} />
              </Field>
            ))}
          </div>
        )}
        {missing && <p role="status" data-testid="preview-missing" className="text-sm text-muted-foreground">{missing}</p>}
        {rendered && (
          <ol className="space-y-2" data-testid="preview-messages">
            {rendered.map((text, i) => (
              <li key={i} className="rounded-md border border-border p-3 text-sm">
                <span className="mb-1 block text-xs font-medium text-muted-foreground">{messages[i].role}</span>
                <pre className="whitespace-pre-wrap">{text}</pre>
              </li>
            ))}
          </ol>
        )}
      </CardContent>
    </Card>
  );
}
