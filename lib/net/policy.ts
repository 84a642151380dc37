import { OutboundRefusedError, createOutboundPolicy, type OutboundPolicy } from "./outbound";

let cached: { spec: string; policy: OutboundPolicy } | undefined;

/**
 * The outbound policy for calls made on the console's side (Test connection, list models, and
 * later URL ingestion, connectors, webhooks): one per process, from KEEL_OUTBOUND_ALLOW, which
 * server.ts sets from the configuration. The gateway builds its own from its options.
 */
export function outboundPolicy(): OutboundPolicy {
  const spec = process.env.KEEL_OUTBOUND_ALLOW ?? "";
  if (cached?.spec !== spec) {
    void cached?.policy.close();
    cached = { spec, policy: createOutboundPolicy(spec) };
  }
  return cached.policy;
}

/**
 * Why Keel would refuse to call this URL a tenant chose (a provider's base URL, a webhook), or
 * null, for a clear field error when it is saved. A host that does not resolve from here (yet), or
 * not within 3 s, is accepted: DNS may differ by the time it is used, and every call checks again.
 */
export async function urlRefusal(url: string): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(resolve, 3_000, null)));
  try {
    await Promise.race([outboundPolicy().check(url), timeout]);
    return null;
  } catch (error) {
    return error instanceof OutboundRefusedError ? error.message : null;
  } finally {
    clearTimeout(timer);
  }
}
