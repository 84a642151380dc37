import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { serveMetrics } from "@/lib/monitoring/telemetry/metrics-endpoint";
import { chatCompletions } from "./chat";
import { embeddings } from "./embeddings";
import { GatewayError, abortedBy, answering, apiError, sendError, toGatewayError } from "./errors";
import { Exchange } from "./exchange";
import { closeGateway, createGateway, gatewayReady, type Gateway } from "./gateway";
import { requestIdFor } from "./http-body";
import { RequestSignal } from "./request-signal";
import { listModels, retrieveModel } from "./models";
import { fetchPrompt } from "./prompts";
import type { GatewayConfig } from "./config";
import { observe } from "./steps/observe";
import { record } from "./steps/record";

/**
 * Serves `/api/v1/*`. `ready()` waits (briefly) for shared limits to connect; `close()` lets
 * in-flight requests finish, then flushes their records and spans. `metrics` serves
 * `/api/metrics`, this instance's counters in Prometheus's text format.
 */
export type GatewayHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<void>) & {
  ready: () => Promise<void>;
  close: () => Promise<void>;
  metrics: (req: IncomingMessage, res: ServerResponse) => void;
};

type Pipeline = (gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, signal: RequestSignal) => Promise<void>;

export const GATEWAY_PREFIX = "/api/v1/";

/** Where Prometheus scrapes an instance: served with the gateway's counters, never by Next. */
export const METRICS_PATH = "/api/metrics";

/**
 * Keel's OpenAI-compatible gateway as a plain node:http handler: no Next.js, so it runs ahead of
 * Next in server.ts today and can own a port in a process of its own later.
 */
export function createGatewayHandler(config: GatewayConfig): GatewayHandler {
  const gw = createGateway(config);
  const inFlight = new Map<Promise<void>, RequestSignal>();
  let closing: Promise<void> | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const ex = new Exchange(requestIdFor(req));
    answering(res, ex.id);
    const signal = new RequestSignal();
    res.on("close", () => {
      if (!res.writableFinished) signal.abort();
    });
    const work = serve(gw, ex, req, res, signal, closing !== null);
    inFlight.set(work, signal);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
    observe(gw.telemetry, ex, req.headers);
  };

  const settled = (ms: number) => Promise.race([Promise.allSettled([...inFlight.keys()]), sleep(ms, undefined, { ref: false })]);
  const close = () =>
    (closing ??= (async () => {
      await settled(gw.config.closeGraceMs);
      // Streams still running after the grace period are cut, which records them, before the flush.
      for (const signal of inFlight.values()) signal.abort(apiError(503, "shutting_down", "Keel is shutting down; retry in a moment."));
      await settled(2_000);
      await closeGateway(gw);
    })());

  const metrics = (req: IncomingMessage, res: ServerResponse) => serveMetrics(gw.telemetry?.metrics ?? null, req, res);
  return Object.assign(handle, { ready: () => gatewayReady(gw), close, metrics });
}

async function serve(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, signal: RequestSignal, closing: boolean) {
  try {
    if (closing) throw apiError(503, "shutting_down", "Keel is shutting down; retry in a moment.");
    await dispatch(req)(gw, ex, req, res, signal);
  } catch (error) {
    let failure = toGatewayError(error, ex.id);
    if (failure.status === 499 && signal.aborted) failure = abortedBy(signal);
    await record(gw.records, ex, { status: failure.status, errorCode: failure.code ?? failure.type }).catch((recordError: unknown) => {
      console.error(`[gateway] request ${ex.id}: could not record its failure:`, recordError);
    });
    // Refused before its body was read (a bad key): close the connection rather than drain the rest.
    if (!req.complete && !res.headersSent) res.setHeader("connection", "close");
    if (res.destroyed) return;
    try {
      sendError(res, failure);
    } catch (sendFailure) {
      // A response that cannot be written (a header Node refuses) must not become an unhandled
      // rejection, which ends the process.
      console.error(`[gateway] request ${ex.id}: could not send its error:`, sendFailure);
      res.destroy();
    }
  }
}

/** Which pipeline serves this URL and method. */
function dispatch(req: IncomingMessage): Pipeline {
  const path = (req.url ?? "/").split("?", 1)[0];
  const method = req.method ?? "GET";
  const rest = path.startsWith(GATEWAY_PREFIX) ? path.slice(GATEWAY_PREFIX.length) : "";
  if (rest === "chat/completions") return only(method, "POST", chatCompletions);
  if (rest === "embeddings") return only(method, "POST", embeddings);
  if (rest === "models") return only(method, "GET", (gw, ex, rq, rs) => listModels(gw, ex, rq, rs));
  const model = /^models\/([^/]+)$/.exec(rest);
  if (model) return only(method, "GET", (gw, ex, rq, rs) => retrieveModel(gw, ex, rq, rs, safeDecode(model[1])));
  const prompt = /^prompts\/([^/]+)$/.exec(rest);
  if (prompt) return only(method, "GET", (gw, ex, rq, rs) => fetchPrompt(gw, ex, rq, rs, safeDecode(prompt[1])));
  return () => Promise.reject(new GatewayError(404, "invalid_request_error", "unknown_url", `Unknown request URL: ${method} ${path}.`));
}

function only(method: string, allowed: string, fn: Pipeline): Pipeline {
  if (method === allowed) return fn;
  return () =>
    Promise.reject(new GatewayError(405, "invalid_request_error", "method_not_allowed", `Use ${allowed} for this URL, not ${method}.`, null, { allow: allowed }));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
