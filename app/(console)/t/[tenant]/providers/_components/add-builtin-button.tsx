"use client";

import { Cpu } from "lucide-react";
import { ActionButton } from "@/components/forms/action-button";
import { addBuiltinProvider } from "@/lib/providers/actions";

/** Adds the built-in offline demo models as a provider. */
export function AddBuiltinButton({ tenant }: { tenant: string }) {
  return (
    <ActionButton variant="outline" run={() => addBuiltinProvider({ tenant })}>
      <Cpu className="size-4" aria-hidden /> Add built-in demo models
    </ActionButton>
  );
}
