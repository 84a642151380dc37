import http from "node:http";
import type { AddressInfo } from "node:net";

/** An attribute value as OTLP/JSON carries it. */
type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
};
type ExportRequest = { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[] };

/** A span as a test reads it: attributes decoded to plain values. */
export type ReceivedSpan = Omit<OtlpSpan, "attributes"> & { attributes: Record<string, unknown>; resource: Record<string, unknown>; durationMs: number };

export type OtlpCollector = {
  /** The traces URL to export to (…/v1/traces). */
  url: string;
  /** Every export request received: its headers and raw body. */
  requests: { path: string; headers: http.IncomingHttpHeaders; body: string }[];
  /** The spans of every export so far, decoded. */
  spans: () => ReceivedSpan[];
  /** Answers the next exports with this status instead of 200. */
  failWith: (status: number | null) => void;
  reset: () => void;
  close: () => Promise<void>;
};

function decode(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decode);
  return undefined;
}

const attributes = (kvs: KeyValue[] = []) => Object.fromEntries(kvs.map((kv) => [kv.key, decode(kv.value)]));

/**
 * A stand-in for an OpenTelemetry collector: a real HTTP server on 127.0.0.1 that takes OTLP/HTTP
 * JSON exports at /v1/traces, keeps them, and answers as a collector does.
 */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const requests: OtlpCollector["requests"] = [];
  let failing: number | null = null;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "POST" || path !== "/v1/traces") {
      res.writeHead(404).end();
      return;
    }
    requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    const status = failing ?? 200;
    res.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? "{}" : '{"code":14,"message":"unavailable"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    spans: () =>
      requests.flatMap((r) => {
        if (!String(r.headers["content-type"]).startsWith("application/json")) throw new Error(`not OTLP/JSON: ${r.headers["content-type"]}`);
        const body = JSON.parse(r.body) as ExportRequest;
        return (body.resourceSpans ?? []).flatMap((rs) =>
          (rs.scopeSpans ?? []).flatMap((ss) =>
            (ss.spans ?? []).map((span) => ({
              ...span,
              attributes: attributes(span.attributes),
              resource: attributes(rs.resource?.attributes),
              durationMs: (Number(span.endTimeUnixNano) - Number(span.startTimeUnixNano)) / 1e6,
            })),
          ),
        );
      }),
    failWith: (status) => (failing = status),
    reset: () => {
      requests.length = 0;
      failing = null;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
