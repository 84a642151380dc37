import type { Metadata } from "next";
import { Users } from "lucide-react";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { listMembers } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";
import { InviteMemberDialog } from "./_components/invite-member-dialog";
import { MemberActions } from "./_components/member-actions";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { user, scope } = await requireTenant((await params).tenant);
  const members = await listMembers(scope);
  const manage = mayChange(scope, "members.manage");
  const note = cannotChangeNote(scope, "members.manage", "invite members, change roles and remove members");
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Members" }]}
        title="Members"
        description="People in this tenant and what their role lets them do."
        actions={manage ? <InviteMemberDialog tenant={scope.tenantSlug} canGrantOwner={scope.role === "OWNER"} /> : <ReadOnlyNote>{note}</ReadOnlyNote>}
      />
      {members.length === 0 ? (
        <EmptyState
          icon={<Users className="size-6" aria-hidden />}
          title="No members"
          // Only a read-only visit can find a tenant with nobody in it: its members would see themselves.
          description={manage ? "Invite the people who work in this tenant with Invite member, each with the role they need." : `Nobody belongs to this tenant yet. ${note}`}
        />
      ) : (
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
                  <TableCell className="text-sm text-muted-foreground"><LocalTime value={m.joinedAt} precision="minute" /></TableCell>
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
      )}
    </>
  );
}
