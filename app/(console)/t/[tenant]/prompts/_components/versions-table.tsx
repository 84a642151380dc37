import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { RestoreButton } from "./restore-button";

export type VersionSummary = {
  version: number;
  note: string;
  endpointName: string | null;
  author: string | null;
  restoredFrom: number | null;
  createdAt: Date;
};

/** The newest versions, newest first; managers may restore any older one as the newest. */
export function VersionsTable(props: {
  tenant: string;
  prompt: { id: string; name: string; latestVersion: number; olderVersions: number };
  versions: VersionSummary[];
  shown: number;
  manage: boolean;
}) {
  const { prompt } = props;
  const href = (v: number) => `/t/${props.tenant}/prompts/${encodeURIComponent(prompt.name)}${v === prompt.latestVersion ? "" : `?version=${v}`}`;
  return (
    <>
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>Version</TableHead>
            <TableHead>Note</TableHead>
            <TableHead>Endpoint</TableHead>
            <TableHead>By</TableHead>
            <TableHead>Saved</TableHead>
            <TableHead />
          </TableRow>
        </TableHeader>
        <TableBody>
          {props.versions.map((v) => (
            <TableRow key={v.version} data-testid={`version-${v.version}`} aria-current={v.version === props.shown ? "true" : undefined}>
              <TableCell className="font-medium">
                <Link href={href(v.version)} className="text-primary hover:underline">v{v.version}</Link>
                {v.version === prompt.latestVersion && <Badge className="ml-2">newest</Badge>}
                {v.version === props.shown && <Badge variant="outline" className="ml-2">shown</Badge>}
              </TableCell>
              <TableCell className="text-xs">
                {v.note || <span className="text-muted-foreground">—</span>}
                {v.restoredFrom !== null && <Badge variant="secondary" className="ml-2" data-testid="restored-from">restored from v{v.restoredFrom}</Badge>}
              </TableCell>
              <TableCell>{v.endpointName ? <code className="font-mono text-xs">{v.endpointName}</code> : <span className="text-xs text-muted-foreground">none</span>}</TableCell>
              <TableCell className="text-xs">{v.author ?? "—"}</TableCell>
              <TableCell className="whitespace-nowrap text-xs"><LocalTime value={v.createdAt} precision="minute" /></TableCell>
              <TableCell className="text-right">
                {props.manage && v.version !== prompt.latestVersion && (
                  <RestoreButton tenant={props.tenant} promptId={prompt.id} name={prompt.name} version={v.version} />
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {prompt.olderVersions > 0 && (
        <p className="px-6 py-3 text-xs text-muted-foreground" data-testid="older-versions">
          {prompt.olderVersions.toLocaleString("en-US")} older version{prompt.olderVersions === 1 ? " is" : "s are"} not listed: open one with ?version=N in this page&apos;s address.
        </p>
      )}
    </>
  );
}
