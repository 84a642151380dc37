import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fakeFineTuning } from "./fake-fine-tuning";

/** A fault the fake applies to its next response(s) instead of answering normally. */
export type FakeFault =
  | { kind: "status"; status: number; retryAfter?: string; message?: string }
  | { kind: "hang" }
  | { kind: "delay"; ms: number }
  // Streams its chunks `chunkMs` apart, so a test can stop a run midway.
  | { kind: "slow"; chunkMs: number }
  | { kind: "cut"; afterChunks: number }
  | { kind: "no-done" }
  /** After `afterChunks` chunks, an error event, and then the connection held open (the gateway must stop reading). */
  | { kind: "error-event"; afterChunks: number }
  /** Streams `chunks` content chunks of `chars` characters each as fast as its caller takes them, then ends. */
  | { kind: "flood"; chunks: number; chars: number }
  /** Sends a stream's headers at once, then its chunks only once `until` settles (a model thinking). */
  | { kind: "think"; until: Promise<unknown> };

export type ReceivedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: Record<string, unknown> | null };

export type FakeOpenAI = {
  /** Base URL with `/v1`, as a Provider's baseUrl. */
  baseUrl: string;
  /** Every request received, faulted ones included, in order. */
  requests: ReceivedRequest[];
  /** Responses whose caller hung up before they ended (a stopped run reaches the provider as this). */
  hungUp: number;
  /** Switches for provider quirks. */
  quirks: { omitUsage: boolean; ignoreBase64: boolean };
  /** Applies `fault` to the next `times` responses. */
  fail: (fault: FakeFault, times?: number) => void;
  /** Forgets requests, faults and quirks. */
  reset: () => void;
  close: () => Promise<void>;
};

type Json = Record<string, unknown>;

/** What KEEL_OUTBOUND_ALLOW must admit for Keel to reach a fake provider: it listens on loopback. */
export const FAKE_UPSTREAM_ALLOW = "127.0.0.1";

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * A real HTTP server on 127.0.0.1 speaking enough of the OpenAI protocol for Keel's gateway tests:
 * chat completions (plain and streamed, usage when asked), embeddings (float or base64), models,
 * fine-tuning (files and jobs, scripted: fake-fine-tuning.ts), and faults on demand. Deterministic: usage counts words, replies echo the last user message.
 */
export async function startFakeOpenAI(opts: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  const faults: FakeFault[] = [];
  const fineTuning = fakeFineTuning();
  const fake = { requests: [] as ReceivedRequest[], hungUp: 0, quirks: { omitUsage: false, ignoreBase64: false } };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString("utf8");
    const path = (req.url ?? "/").split("?")[0];
    const multipart = /^multipart\//.test(req.headers["content-type"] ?? "");
    fake.requests.push({ method: req.method ?? "GET", path, headers: req.headers, body: text && !multipart ? (JSON.parse(text) as Json) : null });
    res.on("close", () => {
      if (!res.writableFinished) fake.hungUp++;
    });
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return send(res, 401, { error: { message: "Incorrect API key provided: sk-f***.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    }
    const fault = faults.shift();
    if (fault?.kind === "hang") return;
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === "status") {
      const headers: http.OutgoingHttpHeaders = fault.retryAfter ? { "retry-after": fault.retryAfter } : {};
      return send(res, fault.status, { error: { message: fault.message ?? `Fake failure ${fault.status}`, type: "server_error", param: null, code: null } }, headers);
    }
    if (await fineTuning.handle(req, path, raw, (status, body) => send(res, status, body))) return;
    const body = text ? (JSON.parse(text) as Json) : {};
    if (path === "/v1/chat/completions" && req.method === "POST") return chat(res, body, fault ?? null, fake.quirks.omitUsage);
    if (path === "/v1/embeddings" && req.method === "POST") return send(res, 200, embed(body, fake.quirks));
    if (path === "/v1/models") return send(res, 200, { object: "list", data: [{ id: "fake-chat", object: "model", created: 0, owned_by: "fake" }] });
    send(res, 404, { error: { message: `Unknown URL ${path}`, type: "invalid_request_error", param: null, code: "unknown_url" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    fail: (fault: FakeFault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    reset: () => {
      fake.requests.length = 0;
      fake.hungUp = 0;
      faults.length = 0;
      fake.quirks.omitUsage = false;
      fake.quirks.ignoreBase64 = false;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function chat(res: http.ServerResponse, body: Json, fault: FakeFault | null, omitUsage: boolean) {
  const messages = (body.messages ?? []) as { role: string; content?: unknown }[];
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const said = typeof lastUser?.content === "string" ? lastUser.content : "(no text)";
  // A model declines in its `refusal` field when asked to "[refuse]"; it stops at max_tokens words, as "length".
  const refusal = said.includes("[refuse]") ? "I can't help with that." : null;
  const cap = Number(body.max_completion_tokens ?? body.max_tokens ?? Infinity);
  // Asked to grade (Keel's judge prompt), it answers the verdict its rubric dictates: `Say {"score": …}`.
  const grading = messages.some((m) => m.role === "system" && typeof m.content === "string" && m.content.startsWith("You grade an AI answer"));
  const full = (grading ? (/Rubric:\n.*?Say (\{[^\n]*\})/s.exec(said)?.[1] ?? '{"score": 0, "reason": "no verdict in the rubric"}') : `echo: ${said}`).split(" ");
  const reply = full.slice(0, cap).join(" ");
  const ending = full.length > cap ? "length" : "stop";
  const tools = body.tools as { function?: { name?: string } }[] | undefined;
  const toolCall = tools?.length && body.tool_choice !== "none"
    ? { id: "call_1", type: "function", function: { name: tools[0].function?.name ?? "tool", arguments: '{"city":"Paris"}' } }
    : null;
  const promptTokens = messages.reduce((n, m) => n + 3 + (typeof m.content === "string" ? words(m.content) : 0), 0);
  const completionTokens = toolCall ? 5 : words(reply);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const base = { id: `chatcmpl-${crypto.randomBytes(6).toString("hex")}`, created: Math.floor(Date.now() / 1000), model: body.model };

  if (body.stream !== true) {
    const message = toolCall
      ? { role: "assistant", content: null, tool_calls: [toolCall] }
      : refusal ? { role: "assistant", content: null, refusal } : { role: "assistant", content: reply };
    const choice = { index: 0, message, finish_reason: toolCall ? "tool_calls" : refusal ? "stop" : ending, logprobs: null };
    return send(res, 200, { ...base, object: "chat.completion", choices: [choice], ...(omitUsage ? {} : { usage }) });
  }

  const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true && !omitUsage;
  const chunk = (choices: unknown[], extra: Json = {}) =>
    `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices, ...(withUsage ? { usage: null } : {}), ...extra })}\n\n`;
  const events = [chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])];
  if (toolCall) events.push(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCall }] }, finish_reason: null }]));
  else if (refusal) refusal.split(" ").forEach((w, i) => events.push(chunk([{ index: 0, delta: { refusal: i === 0 ? w : ` ${w}` }, finish_reason: null }])));
  else if (fault?.kind !== "flood") reply.split(" ").forEach((w, i) => events.push(chunk([{ index: 0, delta: { content: i === 0 ? w : ` ${w}` }, finish_reason: null }])));
  events.push(chunk([{ index: 0, delta: {}, finish_reason: toolCall ? "tool_calls" : refusal ? "stop" : ending }]));
  if (withUsage) events.push(chunk([], { usage }));

  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let i = 0;
  let flooded = 0;
  const gap = fault?.kind === "slow" ? fault.chunkMs : 2;
  const next = () => {
    if (res.destroyed) return;
    if (fault?.kind === "cut" && i === fault.afterChunks) return res.socket?.destroy();
    if (fault?.kind === "error-event" && i === fault.afterChunks) return void res.write(`data: ${JSON.stringify({ error: { message: "the model fell over" } })}\n\n`);
    // A flood's chunks come after the first event, made as they go out (more than a test should hold).
    if (fault?.kind === "flood" && i === 1 && flooded < fault.chunks) {
      flooded++;
      if (res.write(chunk([{ index: 0, delta: { content: "x".repeat(fault.chars) }, finish_reason: null }]))) setImmediate(next);
      else res.once("drain", next);
      return;
    }
    if (i < events.length) {
      res.write(events[i++]);
      return setTimeout(next, gap);
    }
    res.end(fault?.kind === "no-done" ? "" : "data: [DONE]\n\n");
  };
  if (fault?.kind !== "think") return next();
  res.flushHeaders();
  void fault.until.then(next, next);
}

function embed(body: Json, quirks: { ignoreBase64: boolean }) {
  const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
  const dims = typeof body.dimensions === "number" ? body.dimensions : 8;
  const base64 = body.encoding_format === "base64" && !quirks.ignoreBase64;
  const data = inputs.map((input, index) => {
    const digest = crypto.createHash("sha256").update(JSON.stringify(input)).digest();
    // Multiples of 1/128 survive float32 exactly, so float and base64 answers compare equal.
    const vector = Array.from({ length: dims }, (_, i) => (digest[i % digest.length] - 128) / 128);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index, embedding };
  });
  const tokens = inputs.reduce<number>((n, input) => n + (typeof input === "string" ? words(input) : Array.isArray(input) ? input.length : 1), 0);
  return { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
