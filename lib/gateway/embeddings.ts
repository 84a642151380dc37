import type { IncomingMessage, ServerResponse } from "node:http";
import { embeddingsInputText } from "@/lib/privacy/content";
import type { Exchange } from "./exchange";
import type { RequestSignal } from "./request-signal";
import type { Gateway } from "./gateway";
import { endUserOf } from "./schemas";
import { admit, admitCaller, findEndpoint } from "./steps/admit";
import { call, providerBody } from "./steps/call";
import { parseEmbeddings } from "./steps/parse";
import { record } from "./steps/record";
import { answerHeaders, meter, respondJson } from "./steps/respond";
import { route } from "./steps/route";
import { estimateEmbeddingsUsage, readUsage } from "./tokens";
import { describeAnswer, embeddingsRequestFacts } from "./trace-facts";

const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * POST /api/v1/embeddings, through the same steps as chat completions (see chat.ts): the caller
 * gets the encoding it asked for, whatever the provider sent.
 */
export async function embeddings(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, signal: RequestSignal): Promise<void> {
  ex.route = "embeddings";
  const caller = await admitCaller(gw, req);
  const { body, inputHash } = await parseEmbeddings(req, gw.config.maxBodyBytes);
  Object.assign(ex, { inputHash, endpointName: body.model, endUser: endUserOf(body.user) });
  ex.attribute(caller);
  const traced = gw.telemetry?.tracing === true;
  if (traced) ex.requestFacts = embeddingsRequestFacts(body);
  const keepDays = caller.tenant.contentRetentionDays;
  if (keepDays) ex.content = { retentionDays: keepDays, input: embeddingsInputText(body.input) }; // the tenant keeps request content
  const endpoint = await findEndpoint(gw, caller, body.model);
  ex.endpointId = endpoint.id;
  const estimate = estimateEmbeddingsUsage(body.input);
  const admission = await admit(gw, caller, endpoint, "EMBEDDINGS", () => estimate);
  try {
    const plan = route(endpoint, caller, body.user);
    ex.routedVersionId = plan.versions[0]?.id ?? null;
    const called = await call(gw, plan, "embed", (v) => providerBody(v, body), ex.calls, signal, ex.id);
    await respondJson(res, called, {
      maxBytes: MAX_RESPONSE_BYTES,
      rewrite: (json) => matchEncoding(json, body.encoding_format === "base64" ? "base64" : "float"),
      meter: (json) => meter(readUsage(json.usage), () => ({ inputTokens: estimate.inputTokens, outputTokens: 0 }), called.version.prices),
      describe: traced ? describeAnswer : undefined,
    }, answerHeaders(called, admission.headers), (outcome) => record(gw.records, ex, outcome));
  } finally {
    admission.settle(ex.metered);
  }
}

/**
 * Rewrites `data[].embedding` in place to the wanted encoding (base64 = little-endian float32, as
 * OpenAI sends it) when the provider ignored encoding_format. Returns whether anything changed.
 */
export function matchEncoding(json: Record<string, unknown>, wanted: "float" | "base64"): boolean {
  if (!Array.isArray(json.data)) return false;
  let changed = false;
  for (const item of json.data as { embedding?: unknown }[]) {
    if (wanted === "base64" && Array.isArray(item?.embedding)) {
      item.embedding = Buffer.from(new Float32Array(item.embedding as number[]).buffer).toString("base64");
      changed = true;
    } else if (wanted === "float" && typeof item?.embedding === "string") {
      const bytes = Buffer.from(item.embedding, "base64");
      const copy = new Uint8Array(bytes).buffer;
      item.embedding = Array.from(new Float32Array(copy, 0, Math.floor(bytes.length / 4)));
      changed = true;
    }
  }
  return changed;
}
