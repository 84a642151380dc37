"use client";

import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";

export type ProviderOption = { id: string; name: string };

/** The fields of a model version, shared by "new endpoint" and "add version". */
export function VersionFields({ providers, errors }: { providers: ProviderOption[]; errors: (name: string) => string[] | undefined }) {
  return (
    <>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Version label" htmlFor="v-label" error={errors("label")}>
          <Input id="v-label" name="label" placeholder="v1" aria-invalid={!!errors("label")} />
        </Field>
        <Field label="Provider" htmlFor="v-provider" error={errors("providerId")}>
          <NativeSelect id="v-provider" name="providerId" defaultValue={providers[0]?.id ?? ""}>
            {providers.length === 0 && <option value="">Add a provider first</option>}
            {providers.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </NativeSelect>
        </Field>
      </div>
      <Field label="Provider's model id" htmlFor="v-model" error={errors("providerModel")}>
        <Input id="v-model" name="providerModel" placeholder="gpt-4o-mini" aria-invalid={!!errors("providerModel")} />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Input price" htmlFor="v-in" error={errors("inputPricePerMTok")} hint="USD per million tokens">
          <Input id="v-in" name="inputPricePerMTok" inputMode="decimal" defaultValue="0" aria-invalid={!!errors("inputPricePerMTok")} />
        </Field>
        <Field label="Output price" htmlFor="v-out" error={errors("outputPricePerMTok")} hint="USD per million tokens">
          <Input id="v-out" name="outputPricePerMTok" inputMode="decimal" defaultValue="0" aria-invalid={!!errors("outputPricePerMTok")} />
        </Field>
      </div>
      <Field label="Default parameters" htmlFor="v-params" error={errors("params")} hint='JSON, e.g. {"temperature": 0.2}; callers can override'>
        <Textarea id="v-params" name="params" rows={2} className="font-mono text-xs" aria-invalid={!!errors("params")} />
      </Field>
    </>
  );
}
