import type { IncomingHttpHeaders } from "node:http";
import type { Telemetry } from "@/lib/monitoring/telemetry/telemetry";
import type { Exchange } from "../exchange";

/**
 * The observe step, after every pipeline once its answer has left: the request's span and counters
 * (lib/monitoring/telemetry), from what its exchange and outcome say; never its content. The
 * caller's headers give the span a parent (W3C `traceparent`). With no telemetry configured this
 * is one null check, the whole of what telemetry costs a request then.
 */
export function observe(telemetry: Telemetry | null, ex: Exchange, headers: IncomingHttpHeaders): void {
  telemetry?.observe(ex, headers);
}
