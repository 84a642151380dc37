import type { GatewayVersion } from "./endpoints";
import { GatewayError, apiError } from "./errors";
import type { Exchange } from "./exchange";
import type { Gateway } from "./gateway";
import type { UpstreamResponse } from "./upstream";

/** Version params the caller's body may not inherit: the gateway decides these. */
const RESERVED_PARAMS = new Set(["model", "stream", "stream_options"]);

/** The provider request: the version's params as defaults under the caller's body, `model` rewritten. */
export function providerBody(version: GatewayVersion, body: Record<string, unknown>): Record<string, unknown> {
  const defaults = Object.fromEntries(Object.entries(version.params).filter(([k]) => !RESERVED_PARAMS.has(k)));
  return { ...defaults, ...body, model: version.providerModel };
}

/**
 * Calls the candidate versions in order until one answers 2xx. A version that failed on the
 * provider's side (after its retries) hands over to the next; the caller's own mistakes (4xx)
 * and a closed connection end the request at once.
 */
export async function forward(
  gw: Gateway,
  ex: Exchange,
  versions: GatewayVersion[],
  path: string,
  buildBody: (version: GatewayVersion) => Record<string, unknown>,
  signal: AbortSignal,
): Promise<{ response: UpstreamResponse; version: GatewayVersion }> {
  let failure: GatewayError | null = null;
  for (const version of versions) {
    ex.modelVersionId = version.id;
    try {
      let response: UpstreamResponse;
      if (version.provider.kind === "BUILTIN") {
        ex.attempts++;
        response = await gw.builtin.post(version, path, buildBody(version), signal, ex.id);
      } else {
        response = await gw.upstream.post(version.provider, path, JSON.stringify(buildBody(version)), signal, ex, ex.id);
      }
      return { response, version };
    } catch (error) {
      if (!(error instanceof GatewayError) || error.status < 500 || error.status === 499) throw error;
      failure = error;
    }
  }
  throw failure ?? apiError(502, "no_version", "The endpoint has no version that can answer.");
}
