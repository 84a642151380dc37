import type { Provider, ProviderResponse } from "@/lib/providers/provider";
import type { GatewayVersion } from "../endpoints";
import { GatewayError, apiError } from "../errors";
import type { CallTrace } from "../exchange";
import type { Gateway } from "../gateway";
import type { RequestSignal } from "../request-signal";
import type { RoutePlan } from "./route";

/** The provider's 2xx answer, and the version that gave it. */
export type Called = { response: ProviderResponse; version: GatewayVersion };

/** Which of a provider's operations the request needs. */
export type Operation = "chat" | "embed";

/** Version params the caller's body may not inherit: the gateway decides these. */
const RESERVED_PARAMS = new Set(["model", "stream", "stream_options"]);

/** The provider request: the version's params as defaults under the caller's body, `model` rewritten. */
export function providerBody(version: GatewayVersion, body: Record<string, unknown>): Record<string, unknown> {
  const defaults = Object.fromEntries(Object.entries(version.params).filter(([k]) => !RESERVED_PARAMS.has(k)));
  return { ...defaults, ...body, model: version.providerModel };
}

/**
 * The call step: calls the plan's versions in order until one answers 2xx. Each provider retries
 * what its policy allows; a version that still failed on the provider's side hands over to the
 * next, while the caller's own mistakes (4xx) and a closed connection end the request at once.
 * `trace` keeps the last version tried and the attempts made, for the record of a request that
 * fails here. A streamed call resolves once the provider's headers arrive: from then on the
 * version is chosen, and a failure mid-stream is the respond step's to report, with no fallback.
 */
export async function call(
  gw: Gateway,
  plan: RoutePlan,
  operation: Operation,
  buildBody: (version: GatewayVersion) => Record<string, unknown>,
  trace: CallTrace,
  signal: RequestSignal,
  requestId: string,
): Promise<Called> {
  let failure: GatewayError | null = null;
  for (const version of plan.versions) {
    trace.version = version;
    const provider: Provider = gw.providers[version.provider.kind];
    try {
      const response = await provider[operation]({ target: version.provider, body: buildBody(version), signal, requestId, counter: trace });
      return { response, version };
    } catch (error) {
      if (!(error instanceof GatewayError) || error.status < 500 || error.status === 499) throw error;
      failure = error;
    }
  }
  throw failure ?? apiError(502, "no_version", "The endpoint has no version that can answer.");
}
