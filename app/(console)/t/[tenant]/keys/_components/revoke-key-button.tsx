"use client";

import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/ui/local-time";
import { revokeApiKey } from "@/lib/keys/actions";
import type { KeyRow } from "./keys-table";

/** Revokes a key after a confirmation that names it and when it was last used. */
export function RevokeKeyButton({ tenant, apiKey }: { tenant: string; apiKey: Pick<KeyRow, "id" | "name" | "prefix" | "lastUsedAt"> }) {
  return (
    <ConfirmAction
      trigger={<Button variant="ghost" size="sm">Revoke</Button>}
      title={`Revoke ${apiKey.name}?`}
      description={
        <>
          <p>
            Revoking key <strong>{apiKey.name}</strong> (<code className="font-mono">{apiKey.prefix}…</code>): every application using it gets
            401 within five seconds. This cannot be undone.
          </p>
          <p>
            {apiKey.lastUsedAt ? (
              <>Last used <LocalTime value={apiKey.lastUsedAt} precision="minute" />.</>
            ) : (
              "It has never been used."
            )}
          </p>
        </>
      }
      confirmLabel="Revoke key"
      run={() => revokeApiKey({ tenant, apiKeyId: apiKey.id })}
    />
  );
}
