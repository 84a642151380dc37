"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactElement, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/tenancy/result";

/** Props of ConfirmAction. */
export type ConfirmActionProps = {
  /** The button that opens the dialog (a Button); it does nothing on its own. */
  trigger: ReactElement;
  title: string;
  /** What stops working, and whether it can be undone. */
  description: ReactNode;
  /** The destructive button's name, e.g. "Revoke key": a verb and its object, never just "OK". */
  confirmLabel: string;
  /** Runs the action; `typed` is what was typed when `typeToConfirm` asks for it. */
  run: (typed: string) => Promise<ActionResult<unknown>>;
  /** After the action went through (to leave a page that no longer exists, say). */
  onSuccess?: () => void;
  /** A field to type the thing's name into first; its label. The action checks what was typed. */
  typeToConfirm?: string;
  /** Why it cannot be done now: shown instead of the destructive button. */
  blocked?: ReactNode;
};

/**
 * Asks before a destructive action, naming what will stop working. The server's refusal shows in
 * the dialog, which stays open; success closes it and refreshes the page.
 */
export function ConfirmAction({ trigger, title, description, confirmLabel, run, onSuccess, typeToConfirm, blocked }: ConfirmActionProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [refusal, setRefusal] = useState<{ error: string; fieldErrors?: Record<string, string[]> }>();
  const [pending, start] = useTransition();
  const toggle = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setTyped("");
      setRefusal(undefined);
    }
  };
  const confirm = () =>
    start(async () => {
      const r = await run(typed);
      if (!r.ok) return setRefusal(r);
      toggle(false);
      onSuccess?.();
      router.refresh();
    });
  // A typed confirmation's own error belongs under its field; anything else above the buttons.
  const fieldError = typeToConfirm ? Object.values(refusal?.fieldErrors ?? {}).flat() : [];
  return (
    <Dialog open={open} onOpenChange={toggle}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription asChild>
            <div className="space-y-2">{description}</div>
          </DialogDescription>
        </DialogHeader>
        {blocked ? (
          <p role="status" className="text-sm">{blocked}</p>
        ) : (
          <>
            {refusal && fieldError.length === 0 && <FormError message={refusal.error} />}
            {typeToConfirm && (
              <Field label={typeToConfirm} htmlFor="confirm-typed" error={fieldError}>
                <Input id="confirm-typed" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" aria-invalid={fieldError.length > 0} />
              </Field>
            )}
          </>
        )}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline">{blocked ? "Close" : "Cancel"}</Button>
          </DialogClose>
          {!blocked && (
            <Button variant="destructive" disabled={pending || (!!typeToConfirm && typed.trim() === "")} aria-busy={pending || undefined} onClick={confirm}>
              {confirmLabel}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
