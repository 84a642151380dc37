import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ACCOUNT_EVENT_LABELS } from "@/lib/auth/account-events";
import type { AccountEventKind } from "@/lib/db/generated/enums";

export type AccountEventRow = { id: string; kind: AccountEventKind; email: string; method: string | null; ip: string | null; userAgent: string | null; createdAt: Date };

const METHODS: Record<string, string> = { password: "password", oidc: "single sign-on" };

/** Account events as a table: when, what, from which address and browser (and, for the admin, whose). */
export function AccountEventsTable({ rows, showEmail = false, empty }: { rows: AccountEventRow[]; showEmail?: boolean; empty: string }) {
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  return (
    <Table data-testid="account-events">
      <TableHeader>
        <TableRow>
          <TableHead>When</TableHead>
          <TableHead>What</TableHead>
          {showEmail && <TableHead>Email</TableHead>}
          <TableHead>Address</TableHead>
          <TableHead>Browser</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.id} data-kind={r.kind}>
            <TableCell className="whitespace-nowrap"><LocalTime value={r.createdAt} /></TableCell>
            <TableCell>
              <Badge variant={r.kind === "SIGN_IN_FAILED" ? "warning" : "secondary"}>{ACCOUNT_EVENT_LABELS[r.kind]}</Badge>
              {r.method && <span className="ml-2 text-xs text-muted-foreground">with {METHODS[r.method] ?? r.method}</span>}
            </TableCell>
            {showEmail && <TableCell className="font-mono text-xs">{r.email}</TableCell>}
            <TableCell className="font-mono text-xs">{r.ip ?? "unknown"}</TableCell>
            <TableCell className="max-w-72 truncate text-xs text-muted-foreground" title={r.userAgent ?? undefined}>{r.userAgent ?? "unknown"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
