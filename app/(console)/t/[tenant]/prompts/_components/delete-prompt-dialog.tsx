"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { deletePrompt } from "@/lib/prompts/actions";

/** Deletes the prompt after its name is typed again: applications fetching it get 404 from then on. */
export function DeletePromptDialog({ tenant, promptId, name }: { tenant: string; promptId: string; name: string }) {
  const router = useRouter();
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<{ message: string; field?: string[] }>();
  const [pending, start] = useTransition();
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="ghost">Delete</Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Delete {name}?</DialogTitle>
          <DialogDescription>
            Every version goes, and applications fetching it get 404 at once. The audit log keeps what each version held. This cannot be undone.
          </DialogDescription>
        </DialogHeader>
        {error && !error.field && <p role="alert" className="text-sm text-destructive">{error.message}</p>}
        <Field label="Type the prompt's name to confirm" htmlFor="delete-confirm" error={error?.field}>
          <Input id="delete-confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
        </Field>
        <DialogFooter>
          <DialogClose asChild><Button variant="outline">Cancel</Button></DialogClose>
          <Button
            variant="destructive"
            disabled={pending || confirm.trim() === ""}
            onClick={() =>
              start(async () => {
                const r = await deletePrompt({ tenant, promptId, confirm });
                if (!r.ok) return setError({ message: r.error, field: r.fieldErrors?.confirm });
                router.push(`/t/${tenant}/prompts`);
                router.refresh();
              })
            }
          >
            Delete prompt
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
