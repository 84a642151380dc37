import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ROLE_LABELS, can } from "@/lib/auth/permissions";
import { listMembers } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";
import { InviteMemberDialog } from "./_components/invite-member-dialog";
import { MemberActions } from "./_components/member-actions";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { user, scope } = await requireTenant((await params).tenant);
  const members = await listMembers(scope);
  const manage = can(scope.role, "members.manage") && scope.status === "ACTIVE";
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Members" }]}
        title="Members"
        description="People in this tenant and what their role lets them do."
        actions={manage ? <InviteMemberDialog tenant={scope.tenantSlug} canGrantOwner={scope.role === "OWNER"} /> : undefined}
      />
      <Card className="overflow-hidden p-0">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Member</TableHead>
              <TableHead>Role</TableHead>
              <TableHead>Joined</TableHead>
              {manage && <TableHead className="w-64 text-right">Actions</TableHead>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {members.map((m) => (
              <TableRow key={m.id} data-testid={`member-${m.email}`}>
                <TableCell>
                  <div className="font-medium">{m.name ?? m.email}</div>
                  <div className="text-xs text-muted-foreground">{m.email}</div>
                </TableCell>
                <TableCell>
                  <Badge variant={m.role === "OWNER" ? "default" : "secondary"} data-testid="member-role">{ROLE_LABELS[m.role]}</Badge>
                  {m.pending && <Badge variant="outline" className="ml-2">invited</Badge>}
                </TableCell>
                <TableCell className="text-sm text-muted-foreground">{m.joinedAt.toISOString().slice(0, 10)}</TableCell>
                {manage && (
                  <TableCell className="text-right">
                    <MemberActions
                      tenant={scope.tenantSlug}
                      membershipId={m.id}
                      email={m.email}
                      role={m.role}
                      isSelf={m.userId === user.id}
                      canTouchOwners={scope.role === "OWNER"}
                    />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Card>
    </>
  );
}
