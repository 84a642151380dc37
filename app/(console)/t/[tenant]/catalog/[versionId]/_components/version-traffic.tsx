import { RangePicker } from "@/components/charts/range-picker";
import { UsageCharts } from "@/components/charts/usage-charts";
import { UsageStats } from "@/components/charts/usage-stats";
import { usageSeries } from "@/lib/monitoring/data";
import { DEFAULT_RANGE, RANGES, type RangeKey } from "@/lib/monitoring/ranges";
import { VersionDrift } from "../../../endpoints/[endpointId]/_components/version-drift";

type Props = {
  tenant: { tenantId: string; tenantSlug: string };
  /** Whether the viewer may pin the version's drift reference. */
  manage: boolean;
  endpointId: string;
  versionId: string;
  label: string;
  range: RangeKey;
  /** This page's path, for the range links. */
  path: string;
};

/** This version's own requests, cost and latency over a range, and its drift: the endpoint page's charts for one version. */
export async function VersionTraffic({ tenant, manage, endpointId, versionId, label, range, path }: Props) {
  const series = await usageSeries(tenant, range, { endpointId, versionId });
  return (
    <section id="traffic" className="space-y-4" aria-labelledby="traffic-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="traffic-heading" className="text-lg font-semibold">Traffic, cost and latency</h2>
          <p className="text-sm text-muted-foreground">{RANGES[range].label}, version {label} only.</p>
        </div>
        <RangePicker current={range} href={(r) => (r === DEFAULT_RANGE ? `${path}#traffic` : `${path}?range=${r}#traffic`)} />
      </div>
      <UsageStats totals={series.totals} />
      <UsageCharts points={series.points} stepMs={series.stepMs} />
      <VersionDrift tenant={tenant} endpointId={endpointId} versionId={versionId} label={label} manage={manage} />
    </section>
  );
}
