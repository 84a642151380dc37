import type { IncomingMessage, ServerResponse } from "node:http";
import { chatInputText, chatOutputText } from "@/lib/privacy/content";
import type { Exchange } from "./exchange";
import type { RequestSignal } from "./request-signal";
import type { Gateway } from "./gateway";
import { admit, admitCaller, findEndpoint } from "./steps/admit";
import { call, providerBody } from "./steps/call";
import { parseChat } from "./steps/parse";
import { record, type Commit } from "./steps/record";
import { answerHeaders, meter, respondJson } from "./steps/respond";
import { respondStream } from "./steps/respond-stream";
import { route } from "./steps/route";
import { endUserOf, type ChatBody } from "./schemas";
import { choiceChars, chatPromptChars, estimateChatUsage, readUsage, tokensForChars } from "./tokens";
import { finishReasonOf } from "./finish-reason";
import { chatRequestFacts, describeAnswer } from "./trace-facts";
import type { GatewayVersion } from "./endpoints";

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * POST /api/v1/chat/completions, plain or streamed: the gateway's pipeline, one step per line.
 * Each step is a function in steps/ with a typed input and output; the pipeline alone writes what
 * the request record will say (`ex`). A step a capability brings (input checks, RAG context and
 * tools offered before the call; a control loop checking the answer after it) is one more file
 * and one more line here.
 */
export async function chatCompletions(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, signal: RequestSignal): Promise<void> {
  ex.route = "chat.completions";
  const caller = await admitCaller(gw, req); // admit, first half: the key, before any body is read
  const { body, inputHash, stream } = await parseChat(req, gw.config.maxBodyBytes);
  Object.assign(ex, { inputHash, stream, endpointName: body.model, endUser: endUserOf(body.user) });
  ex.attribute(caller);
  const traced = gw.telemetry?.tracing === true;
  if (traced) ex.requestFacts = chatRequestFacts(body); // its span's parameters, never content
  const keepDays = caller.tenant.contentRetentionDays;
  if (keepDays) ex.content = { retentionDays: keepDays, input: chatInputText(body.messages) }; // the tenant keeps request content
  const endpoint = await findEndpoint(gw, caller, body.model);
  ex.endpointId = endpoint.id;
  const admission = await admit(gw, caller, endpoint, "CHAT", (v) => estimateChatUsage(body, v.params));
  try {
    const plan = route(endpoint, caller, body.user);
    ex.routedVersionId = plan.versions[0]?.id ?? null;
    const called = await call(gw, plan, "chat", (v) => chatRequest(v, body, stream), ex.calls, signal, ex.id);
    const commit: Commit = (outcome) => record(gw.records, ex, outcome);
    const headers = answerHeaders(called, admission.headers);
    if (stream) {
      await respondStream(res, called, body, headers, commit, ex.startedAt, signal, {
        keepOutput: ex.content !== null, describe: traced, stalledCallerMs: gw.config.stalledCallerMs,
      });
      return;
    }
    const prompt = () => tokensForChars(chatPromptChars(body));
    await respondJson(res, called, {
      maxBytes: MAX_RESPONSE_BYTES,
      meter: (json) => meter(readUsage(json.usage), () => ({ inputTokens: prompt(), outputTokens: tokensForChars(choiceChars(json.choices)) }), called.version.prices),
      output: ex.content ? chatOutputText : undefined,
      describe: traced ? describeAnswer : undefined,
      finish: (json) => finishReasonOf(json.choices),
    }, headers, commit);
  } finally {
    admission.settle(ex.metered);
  }
}

/** Streams always ask the provider for usage, so the record has real token counts. */
function chatRequest(version: GatewayVersion, body: ChatBody, stream: boolean): Record<string, unknown> {
  const payload = providerBody(version, body);
  if (stream) payload.stream_options = { ...(body.stream_options ?? {}), include_usage: true };
  return payload;
}
