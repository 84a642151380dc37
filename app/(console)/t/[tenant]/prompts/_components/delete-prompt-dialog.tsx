"use client";

import { useRouter } from "next/navigation";
import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { deletePrompt } from "@/lib/prompts/actions";

/** Deletes the prompt after its name is typed again: applications fetching it get 404 from then on. */
export function DeletePromptDialog({ tenant, promptId, name }: { tenant: string; promptId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmAction
      trigger={<Button variant="ghost">Delete</Button>}
      title={`Delete ${name}?`}
      description={
        <p>
          Deleting prompt <strong>{name}</strong>: every version goes, and applications fetching it get 404 at once. The audit log keeps
          what each version held. This cannot be undone.
        </p>
      }
      typeToConfirm="Type the prompt's name to confirm"
      confirmLabel="Delete prompt"
      run={(confirm) => deletePrompt({ tenant, promptId, confirm })}
      onSuccess={() => router.push(`/t/${tenant}/prompts`)}
    />
  );
}
