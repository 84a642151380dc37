import Link from "next/link";
import { RangePicker } from "@/components/charts/range-picker";
import { UsageCharts } from "@/components/charts/usage-charts";
import { UsageStats } from "@/components/charts/usage-stats";
import { cn } from "@/components/ui/cn";
import { usageSeries } from "@/lib/monitoring/data";
import { RANGES, type RangeKey } from "@/lib/monitoring/ranges";
import { VersionDrift } from "./version-drift";

type Props = {
  tenant: { tenantId: string; tenantSlug: string };
  /** Whether the viewer may pin a version's drift reference. */
  manage: boolean;
  endpointId: string;
  versions: { id: string; label: string }[];
  range: RangeKey;
  versionId: string | null;
  base: string;
};

/** The endpoint's own charts, for all its versions or one: the figures a catalog entry and a rollout compare. */
export async function EndpointTraffic({ tenant, manage, endpointId, versions, range, versionId, base }: Props) {
  const series = await usageSeries(tenant, range, { endpointId, versionId: versionId ?? undefined });
  const href = (changes: { range?: RangeKey; version?: string | null }) => {
    const next = new URLSearchParams();
    const r = changes.range ?? range;
    const v = changes.version === undefined ? versionId : changes.version;
    if (r !== "24h") next.set("range", r);
    if (v) next.set("version", v);
    return next.size ? `${base}?${next}#traffic` : `${base}#traffic`;
  };
  return (
    <section id="traffic" className="mt-8 space-y-4" aria-labelledby="traffic-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="traffic-heading" className="text-lg font-semibold">Traffic</h2>
          <p className="text-sm text-muted-foreground">{RANGES[range].label}, {versionId ? `version ${versions.find((v) => v.id === versionId)?.label}` : "every version"}.</p>
        </div>
        <RangePicker current={range} href={(r) => href({ range: r })} />
      </div>
      {versions.length > 0 && (
        <nav aria-label="Version" className="flex flex-wrap gap-1 text-sm">
          {[{ id: null, label: "All versions" }, ...versions].map((v) => (
            <Link
              key={v.id ?? "all"}
              href={href({ version: v.id })}
              aria-current={v.id === versionId ? "page" : undefined}
              className={cn("rounded-md border border-border px-2.5 py-1", v.id === versionId ? "bg-primary text-primary-foreground" : "hover:bg-accent")}
            >
              {v.label}
            </Link>
          ))}
        </nav>
      )}
      <UsageStats totals={series.totals} />
      <UsageCharts points={series.points} stepMs={series.stepMs} />
      {versionId ? (
        <VersionDrift tenant={tenant} endpointId={endpointId} versionId={versionId} label={versions.find((v) => v.id === versionId)?.label ?? ""} manage={manage} />
      ) : (
        <p className="text-sm text-muted-foreground">Choose a version to see its drift from its reference window.</p>
      )}
    </section>
  );
}
