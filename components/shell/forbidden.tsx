import { ShieldAlert } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";

/** What a page shows to a member whose role may not see it. */
export function Forbidden({ role, what }: { role: string; what: string }) {
  return (
    <EmptyState
      icon={<ShieldAlert className="size-6" aria-hidden />}
      title="Not available to your role"
      description={`The ${role} role may not ${what}. Ask an owner or admin of this tenant if you need it.`}
    />
  );
}
