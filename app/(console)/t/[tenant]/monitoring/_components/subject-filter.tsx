"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { MonitoringSubjects } from "@/lib/monitoring/data";

/**
 * Whose traffic the charts show: the whole tenant, an endpoint (and one of its versions), or a key.
 * The rollups keep those groupings, so choosing a key clears the endpoint and the other way round.
 */
export function SubjectFilter({ subjects }: { subjects: MonitoringSubjects }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const endpoint = params.get("endpoint") ?? "";
  const version = params.get("version") ?? "";
  const key = params.get("key") ?? "";
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    router.push(`${pathname}?${next.toString()}`);
  };
  const versions = subjects.endpoints.find((e) => e.id === endpoint)?.versions ?? [];
  const select = "h-9 rounded-md border border-input bg-background px-2 text-sm";
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <label className="sr-only" htmlFor="monitor-endpoint">Endpoint</label>
      <select id="monitor-endpoint" className={select} value={endpoint} onChange={(e) => go({ endpoint: e.target.value, version: "", key: "" })}>
        <option value="">All endpoints</option>
        {subjects.endpoints.map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}
      </select>
      {endpoint && (
        <>
          <label className="sr-only" htmlFor="monitor-version">Version</label>
          <select id="monitor-version" className={select} value={version} onChange={(e) => go({ version: e.target.value })}>
            <option value="">All versions</option>
            {versions.map((v) => <option key={v.id} value={v.id}>{v.label}</option>)}
          </select>
        </>
      )}
      <label className="sr-only" htmlFor="monitor-key">API key</label>
      <select id="monitor-key" className={select} value={key} onChange={(e) => go({ key: e.target.value, endpoint: "", version: "" })}>
        <option value="">All keys</option>
        {subjects.keys.map((k) => <option key={k.id} value={k.id}>{k.name} ({k.prefix}…)</option>)}
      </select>
    </div>
  );
}
