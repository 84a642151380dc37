"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { PlugZap, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { deleteProvider } from "@/lib/providers/actions";
import { ProviderDialog } from "./provider-dialog";

type Result = { ok: true; models: string[] } | { ok: false; error: string };

/** Test connection (lists the provider's models or shows its error), edit, remove. */
export function ProviderRowActions({ tenant, provider }: { tenant: string; provider: { id: string; name: string; kind: "OPENAI_COMPATIBLE" | "BUILTIN"; baseUrl: string | null; hasApiKey: boolean } }) {
  const router = useRouter();
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const test = () =>
    start(async () => {
      setResult(null);
      const res = await fetch(`/api/t/${tenant}/providers/${provider.id}/test`, { method: "POST" });
      const body = await res.json();
      setResult(res.ok ? body : { ok: false, error: body?.error?.message ?? "The test failed." });
    });
  const remove = () =>
    start(async () => {
      const r = await deleteProvider({ tenant, providerId: provider.id });
      setError(r.ok ? undefined : r.error);
      router.refresh();
    });
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex justify-end gap-1">
        <Button variant="outline" size="sm" onClick={test} disabled={pending}>
          <PlugZap className="size-4" aria-hidden /> {pending ? "Testing…" : "Test connection"}
        </Button>
        {provider.kind !== "BUILTIN" && <ProviderDialog tenant={tenant} provider={provider} />}
        <Button variant="ghost" size="sm" onClick={remove} disabled={pending} aria-label={`Remove ${provider.name}`}>
          <Trash2 className="size-4" aria-hidden />
        </Button>
      </div>
      {result && (
        <p role="status" data-testid="connection-result" className="max-w-md text-right text-xs">
          {result.ok ? (
            <span className="text-success">Connected: {result.models.length} models{result.models.length ? ` (${result.models.slice(0, 5).join(", ")}${result.models.length > 5 ? ", …" : ""})` : ""}</span>
          ) : (
            <span className="text-destructive">{result.error}</span>
          )}
        </p>
      )}
      {error && <p role="alert" className="text-xs text-destructive">{error}</p>}
    </div>
  );
}
