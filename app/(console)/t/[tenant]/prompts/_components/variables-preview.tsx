"use client";

import Link from "next/link";
import { useState } from "react";
import { FlaskConical } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { playgroundHref } from "@/lib/playground/library";
import { templateMessages, type PromptContent } from "@/lib/prompts/schemas";
import { MissingVariablesError, renderAll } from "@/lib/prompts/template";

type Props = {
  tenant: string;
  prompt: { name: string; version: number };
  content: Pick<PromptContent, "system" | "messages">;
  variables: string[];
};

/**
 * A form for the version's {{variables}} and the messages as an application would send them once
 * filled in. A blank field counts as missing, as it most likely is: the preview names what is left.
 * "Open in playground" takes the version there, with the values filled in so far.
 */
export function VariablesPreview({ tenant, prompt, content, variables }: Props) {
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
  const link = playgroundHref(tenant, prompt, given);
  return (
    <Card data-testid="variables-preview">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3 space-y-0">
        <div className="space-y-1.5">
          <CardTitle>Fill in and preview</CardTitle>
          <CardDescription>
            {variables.length ? `This version uses ${variables.length} variable${variables.length === 1 ? "" : "s"}.` : "This version uses no variables."}
          </CardDescription>
        </div>
        <div className="space-y-1 text-right">
          <Button asChild variant="outline">
            <Link href={link.href}>
              <FlaskConical className="size-4" aria-hidden /> Open in playground
            </Link>
          </Button>
          {link.valuesLeftOut && <p className="text-xs text-muted-foreground">The values are too long for a link: the playground gets the variables as written.</p>}
        </div>
      </CardHeader>
      <CardContent className="space-y-4">
        {variables.length > 0 && (
          <div className="grid gap-3 sm:grid-cols-2">
            {/* A variable may be named __proto__ or constructor: only the values typed count, never Object's own. */}
            {variables.map((name) => (
              <Field key={name} label={`{{${name}}}`} htmlFor={`var-${name}`}>
                <Input id={`var-${name}`} value={Object.hasOwn(values, name) ? values[name] : ""} onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))} />
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
