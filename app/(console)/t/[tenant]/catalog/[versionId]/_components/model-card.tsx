import Link from "next/link";
import { ReadOnlyNote, cannotChangeNote, mayChange, type ScopeView } from "@/components/forms/read-only";
import type { CatalogVersion } from "@/lib/catalog/data";
import { VersionCardForm } from "./version-card-form";

const SECTIONS = [
  { key: "intendedUse", label: "Intended use" },
  { key: "limitations", label: "Limitations" },
  { key: "risks", label: "Risks" },
] as const;

/**
 * The model card: a form while the version is a draft and the viewer may manage endpoints, else the
 * card as text with why it cannot change here.
 */
export function ModelCard({ base, tenant, scope, v, owners }: { base: string; tenant: string; scope: ScopeView; v: CatalogVersion; owners: { id: string; email: string }[] }) {
  if (v.editable && mayChange(scope, "endpoints.manage")) {
    const values = {
      artifactDigest: v.artifactDigest ?? "",
      baseModel: v.baseModel ?? "",
      datasetName: v.dataset?.name ?? "",
      datasetUri: v.dataset?.uri ?? "",
      datasetHash: v.dataset?.hash ?? "",
      hyperparameters: v.hyperparameters ? JSON.stringify(v.hyperparameters, null, 2) : "",
      fineTuneJobId: v.fineTuneJobId ?? "",
      ownerId: v.ownerId ?? "",
      ...v.modelCard,
    };
    return <VersionCardForm tenant={tenant} versionId={v.id} values={values} owners={owners} />;
  }
  return (
    <div className="space-y-4 text-sm">
      <dl className="space-y-3">
        {SECTIONS.map((s) => (
          <div key={s.key}>
            <dt className="font-medium">{s.label}</dt>
            <dd data-testid={`card-${s.key}`} className="mt-1 whitespace-pre-wrap text-muted-foreground">
              {v.modelCard[s.key] || "Not written."}
            </dd>
          </div>
        ))}
      </dl>
      {!v.editable ? (
        <p data-testid="card-fixed">
          This version has served, so its entry is fixed:{" "}
          <Link href={`${base}/endpoints/${v.endpoint.id}`} className="underline underline-offset-2">add a new version</Link> for a change.
        </p>
      ) : (
        <ReadOnlyNote>{cannotChangeNote(scope, "endpoints.manage", "fill in a draft version's entry and model card")}</ReadOnlyNote>
      )}
    </div>
  );
}
