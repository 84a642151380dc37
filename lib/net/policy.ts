import { createOutboundPolicy, type OutboundPolicy } from "./outbound";

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
