// A minimal, fast OpenAI-compatible upstream for `npm run bench:gateway`, run in its own process.
// POST /v1/chat/completions answers a fixed completion with `usage`; with `stream: true` it sends
// a few SSE chunks, each in its own write, a usage chunk when `stream_options.include_usage`, and
// `data: [DONE]`. Tells the parent its port over IPC and exits when the parent goes away.
import http from "node:http";
import { serveForParent } from "./child-server";

const created = Math.floor(Date.now() / 1000);
const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model: "bench-model",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello from the bench upstream." }, finish_reason: "stop" }],
    usage,
  }),
);

const chunk = (delta: Record<string, unknown>, finish: string | null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model: "bench-model", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const streamChunks = [
  chunk({ role: "assistant", content: "" }, null),
  chunk({ content: "Hello" }, null),
  chunk({ content: " from the" }, null),
  chunk({ content: " bench upstream." }, null),
  chunk({}, "stop"),
];
const usageChunk = `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model: "bench-model", choices: [], usage })}\n\n`;
const done = "data: [DONE]\n\n";

const notFound = Buffer.from(JSON.stringify({ error: { message: "Not found", type: "invalid_request_error", code: "not_found" } }));

function sendStream(res: http.ServerResponse, includeUsage: boolean) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const parts = includeUsage ? [...streamChunks, usageChunk, done] : [...streamChunks, done];
  let i = 0;
  // One write per turn of the event loop, so the chunks leave as separate writes and time to
  // first byte means something.
  const next = () => {
    if (res.destroyed) return;
    if (i === parts.length - 1) return void res.end(parts[i]);
    res.write(parts[i++]);
    setImmediate(next);
  };
  next();
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
    req.resume();
    res.writeHead(404, { "content-type": "application/json", "content-length": notFound.length }).end(notFound);
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let body: { stream?: unknown; stream_options?: { include_usage?: unknown } } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"invalid JSON","type":"invalid_request_error"}}');
      return;
    }
    if (body.stream === true) return sendStream(res, body.stream_options?.include_usage === true);
    res.writeHead(200, { "content-type": "application/json", "content-length": completion.length }).end(completion);
  });
});
serveForParent(server);
