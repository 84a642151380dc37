// The baseline for `npm run bench:gateway`: a bare pass-through proxy, run in its own process.
// Every request goes to the upstream as it came (method, path, headers, body streamed through)
// over a keep-alive agent, and the response streams back; no auth, no parsing, no logging.
// Usage: bare-proxy.ts <upstreamPort>. Tells the parent its port over IPC.
import http from "node:http";
import { serveForParent } from "./child-server";

const upstreamPort = Number(process.argv[2]);
if (!upstreamPort) throw new Error("usage: bare-proxy.ts <upstreamPort>");
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, keepAliveMsecs: 60_000 });

const server = http.createServer((req, res) => {
  const upstream = http.request(
    { agent, host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `bare proxy: ${error.message}`, type: "upstream_error" } }));
  });
  req.pipe(upstream);
});
serveForParent(server);
