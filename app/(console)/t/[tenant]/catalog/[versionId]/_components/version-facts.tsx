import type { ReactNode } from "react";
import { LocalTime } from "@/components/ui/local-time";
import type { CatalogVersion } from "@/lib/catalog/data";

type Fact = { label: string; value: ReactNode; testId: string };

const none = <span className="text-muted-foreground">none recorded</span>;
const code = (value: string | null) => (value ? <code className="break-all font-mono text-xs">{value}</code> : none);
const json = (value: unknown) => <code className="break-all font-mono text-xs">{JSON.stringify(value)}</code>;

/** What the version is and where it came from, as the catalog records it. */
export function VersionFacts({ v }: { v: CatalogVersion }) {
  const params = v.params as Record<string, unknown>;
  const facts: Fact[] = [
    { label: "Provider", value: v.provider.name, testId: "fact-provider" },
    { label: "Model id", value: code(v.providerModel), testId: "fact-model" },
    {
      label: "Price in / out per 1M tokens",
      value: v.prices.priced ? `$${v.prices.inputPerMTok} / $${v.prices.outputPerMTok}` : "awaiting prices",
      testId: "fact-prices",
    },
    { label: "Defaults", value: params && Object.keys(params).length ? json(params) : <span className="text-muted-foreground">none</span>, testId: "fact-params" },
    { label: "Created", value: <LocalTime value={v.createdAt} precision="minute" />, testId: "fact-created" },
    { label: "Released", value: v.releasedAt ? <LocalTime value={v.releasedAt} precision="minute" /> : "Not yet: it has never served", testId: "fact-released" },
    {
      label: "Retired",
      value: v.retiredAt ? (
        <LocalTime value={v.retiredAt} precision="minute" />
      ) : v.status === "retired" ? (
        "Not formally: it no longer serves, but may be made active again until a builder retires it"
      ) : (
        "No"
      ),
      testId: "fact-retired",
    },
    { label: "Owner", value: v.owner ?? none, testId: "fact-owner" },
    { label: "Fine-tune job", value: code(v.fineTuneJobId), testId: "fact-fine-tune-job" },
    { label: "Artifact digest", value: code(v.artifactDigest), testId: "fact-artifact-digest" },
    { label: "Base model", value: v.baseModel ?? none, testId: "fact-base-model" },
    { label: "Dataset name", value: v.dataset?.name ?? none, testId: "fact-dataset-name" },
    { label: "Dataset URI", value: code(v.dataset?.uri ?? null), testId: "fact-dataset-uri" },
    { label: "Dataset hash", value: code(v.dataset?.hash ?? null), testId: "fact-dataset-hash" },
    { label: "Hyperparameters", value: v.hyperparameters ? json(v.hyperparameters) : none, testId: "fact-hyperparameters" },
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
      {facts.map((f) => (
        <div key={f.label} className="contents">
          <dt className="text-muted-foreground">{f.label}</dt>
          <dd data-testid={f.testId} className="min-w-0">{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
