"use client";

import { useState } from "react";
import { rolesThatCan } from "@/components/forms/read-only";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { BUILTIN_MODELS, BUILTIN_NOTICE } from "@/lib/providers/builtin/catalog";

const PRICE_RULE =
  "Left empty, the version costs what the active version costs when it is the same provider model; otherwise it waits for a manager to price it before it can answer.";

export type ProviderOption = { id: string; name: string; kind: "OPENAI_COMPATIBLE" | "BUILTIN" };

/**
 * The fields of a model version, shared by "new endpoint" and "add version". On the built-in
 * provider the model is picked from its few models, each labelled as the demo it is. Prices are
 * for members who may set them (`canPrice`); others are told what their version will cost.
 */
export function VersionFields({
  providers,
  errors,
  canPrice,
}: {
  providers: ProviderOption[];
  errors: (name: string) => string[] | undefined;
  canPrice: boolean;
}) {
  const [providerId, setProviderId] = useState(providers[0]?.id ?? "");
  const builtin = providers.find((p) => p.id === providerId)?.kind === "BUILTIN";
  return (
    <>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Version label" htmlFor="v-label" error={errors("label")}>
          <Input id="v-label" name="label" placeholder="v1" aria-invalid={!!errors("label")} />
        </Field>
        <Field label="Provider" htmlFor="v-provider" error={errors("providerId")}>
          <NativeSelect id="v-provider" name="providerId" value={providerId} onChange={(e) => setProviderId(e.target.value)}>
            {providers.length === 0 && <option value="">Add a provider first</option>}
            {providers.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </NativeSelect>
        </Field>
      </div>
      {builtin ? (
        <Field label="Built-in model" htmlFor="v-model" error={errors("providerModel")} hint={BUILTIN_NOTICE}>
          <NativeSelect id="v-model" name="providerModel" aria-invalid={!!errors("providerModel")}>
            {BUILTIN_MODELS.map((m) => (
              <option key={m.id} value={m.id}>{`${m.name} (${m.kind === "CHAT" ? "chat" : "embeddings"}): ${m.description}`}</option>
            ))}
          </NativeSelect>
        </Field>
      ) : (
        <Field label="Provider's model id" htmlFor="v-model" error={errors("providerModel")}>
          <Input id="v-model" name="providerModel" placeholder="gpt-4o-mini" aria-invalid={!!errors("providerModel")} />
        </Field>
      )}
      {canPrice ? (
        <div className="grid grid-cols-2 gap-3">
          <Field label="Input price" htmlFor="v-in" error={errors("inputPricePerMTok")} hint="USD per million tokens">
            <Input id="v-in" name="inputPricePerMTok" inputMode="decimal" placeholder="e.g. 0.15" aria-invalid={!!errors("inputPricePerMTok")} />
          </Field>
          <Field label="Output price" htmlFor="v-out" error={errors("outputPricePerMTok")} hint="USD per million tokens">
            <Input id="v-out" name="outputPricePerMTok" inputMode="decimal" placeholder="e.g. 0.60" aria-invalid={!!errors("outputPricePerMTok")} />
          </Field>
          <p className="col-span-2 text-xs text-muted-foreground">{PRICE_RULE} Budgets are counted in these prices.</p>
        </div>
      ) : (
        <p data-testid="price-notice" className="text-xs text-muted-foreground">
          {`Prices are set by ${rolesThatCan("prices.manage").toLowerCase()}.`} {builtin ? "Built-in models are free." : PRICE_RULE}
        </p>
      )}
      <Field label="Default parameters" htmlFor="v-params" error={errors("params")} hint='JSON, e.g. {"temperature": 0.2}; callers can override'>
        <Textarea id="v-params" name="params" rows={2} className="font-mono text-xs" aria-invalid={!!errors("params")} />
      </Field>
    </>
  );
}
