import type { IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, type Attributes, type Tracer } from "@opentelemetry/api";
import { ExportResultCode, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { NOTHING_METERED, type Exchange } from "@/lib/gateway/exchange";
import type { Outcome } from "@/lib/gateway/steps/record";
import { GEN_AI, KEEL, genAiProviderName } from "./gen-ai";

export type TracingOptions = { url: string; headers: Record<string, string>; serviceName: string };

/** How often a failing collector is reported in the log, at most. */
const WARN_EVERY_MS = 60_000;

/**
 * Passes spans to the OTLP exporter and says in Keel's log when a collector refuses or cannot be
 * reached (OpenTelemetry itself reports that only to a diagnostics logger nobody installed).
 */
class ReportingExporter implements SpanExporter {
  private warnedAt = 0;

  constructor(private readonly inner: SpanExporter, private readonly url: string) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS && Date.now() - this.warnedAt > WARN_EVERY_MS) {
        this.warnedAt = Date.now();
        console.error(`[telemetry] could not export ${spans.length} span(s) to ${this.url}: ${result.error?.message ?? "failed"}`);
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * One span per chat or embeddings request, named and described by OpenTelemetry's GenAI semantic
 * conventions, exported in batches by OTLP/HTTP (JSON). The span is made whole once the request is
 * done, from what the exchange and its outcome say: nothing is held open while the request runs,
 * and no prompt or answer text is ever put in it. A caller's W3C `traceparent` makes it a child of
 * the caller's trace.
 *
 * The collector's URL is the operator's (environment), never a tenant's: it is not subject to the
 * outbound-URL policy that guards the URLs tenants choose.
 */
export class GatewayTracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(options: TracingOptions, exporter: SpanExporter = new OTLPTraceExporter({ url: options.url, headers: options.headers })) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
      spanProcessors: [new BatchSpanProcessor(new ReportingExporter(exporter, options.url))],
    });
    this.tracer = this.provider.getTracer("keel-gateway");
  }

  /** Makes the request's span, from its arrival to `endMs` (both performance.now() times). */
  trace(ex: Exchange, outcome: Outcome, endMs: number, headers: IncomingHttpHeaders): void {
    const operation = ex.route === "chat.completions" ? "chat" : ex.route === "embeddings" ? "embeddings" : null;
    if (!operation) return;
    const version = ex.calls.version;
    const parent = headers.traceparent ? this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter) : ROOT_CONTEXT;
    const origin = performance.timeOrigin;
    const span = this.tracer.startSpan(
      ex.endpointName ? `${operation} ${ex.endpointName}` : operation,
      // CLIENT, as the conventions have it for a model reached over the network; INTERNAL for one in this process.
      { kind: version?.provider.kind === "BUILTIN" ? SpanKind.INTERNAL : SpanKind.CLIENT, startTime: origin + ex.startedAt, attributes: attributesOf(ex, operation, outcome) },
      parent,
    );
    if (outcome.status >= 400) {
      const type = outcome.errorCode ?? String(outcome.status);
      span.setAttribute(ATTR_ERROR_TYPE, type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    }
    span.end(origin + endMs);
  }

  /** Exports what is buffered and stops. */
  close(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** The span's attributes: the GenAI conventions', then Keel's own. Ids and numbers only, no content. */
function attributesOf(ex: Exchange, operation: string, outcome: Outcome): Attributes {
  const version = ex.calls.version;
  const a: Attributes = {
    [GEN_AI.operationName]: operation,
    [KEEL.requestId]: ex.id,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: outcome.status,
  };
  if (ex.endpointName) a[GEN_AI.requestModel] = ex.endpointName;
  if (operation === "chat") a[GEN_AI.requestStream] = ex.stream;
  if (version) {
    a[GEN_AI.providerName] = a[GEN_AI.system] = genAiProviderName(version.provider.kind);
    a[KEEL.modelVersionId] = version.id;
    a[KEEL.attempts] = ex.calls.attempts;
  }
  const answer = outcome.answer;
  const model = answer?.model ?? (outcome.status < 400 ? version?.providerModel : undefined);
  if (model) a[GEN_AI.responseModel] = model;
  if (answer?.id) a[GEN_AI.responseId] = answer.id;
  const reasons = answer?.finishReasons?.filter((r) => typeof r === "string");
  if (reasons?.length) a[GEN_AI.responseFinishReasons] = reasons;
  const params = ex.requestFacts;
  if (params) {
    if (params.maxTokens !== undefined) a[GEN_AI.requestMaxTokens] = params.maxTokens;
    if (params.temperature !== undefined) a[GEN_AI.requestTemperature] = params.temperature;
    if (params.topP !== undefined) a[GEN_AI.requestTopP] = params.topP;
    if (params.choiceCount !== undefined) a[GEN_AI.requestChoiceCount] = params.choiceCount;
    if (params.seed !== undefined) a[GEN_AI.requestSeed] = params.seed;
    if (params.encodingFormats) a[GEN_AI.requestEncodingFormats] = params.encodingFormats;
  }
  if (ex.tenantId) a[KEEL.tenantId] = ex.tenantId;
  if (ex.tenantSlug) a[KEEL.tenantSlug] = ex.tenantSlug;
  if (ex.endpointId) a[KEEL.endpointId] = ex.endpointId;
  const metered = ex.metered;
  if (ex.recorded && metered !== NOTHING_METERED) {
    a[GEN_AI.usageInputTokens] = metered.usage.inputTokens;
    a[GEN_AI.usageOutputTokens] = metered.usage.outputTokens;
    a[KEEL.costUsd] = metered.costUsd;
    a[KEEL.tokensEstimated] = metered.tokensEstimated;
    if (metered.ttftMs !== null) a[GEN_AI.responseTimeToFirstChunk] = metered.ttftMs / 1000;
  }
  return a;
}
