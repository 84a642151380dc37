/**
 * Prometheus's text exposition format 0.0.4, as far as Keel writes it: counters, gauges and
 * histograms with HELP and TYPE lines, label values escaped. Per instance and in memory: each
 * instance answers its own scrape, and Prometheus adds a fleet up.
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Most series one family keeps; past it new label sets share one `_overflow` series, so memory stays bounded. */
export const MAX_SERIES = 10_000;
const OVERFLOW = "_overflow";

/** A label value as the format quotes it: backslash, double quote and line feed escaped. */
export const escapeLabelValue = (value: string): string => value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));

/** HELP text escapes backslash and line feed only. */
const escapeHelp = (text: string): string => text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));

/** A sample value: Go's float syntax, which JavaScript's own mostly is. */
export function formatValue(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

const header = (name: string, help: string, type: string) => `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;

/** `{a="x",b="y"}`, or "" for no labels. */
function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  return `{${names.map((n, i) => `${n}="${escapeLabelValue(values[i])}"`).join(",")}}`;
}

/** One family's series by label values, each rendered label set built once, at its first sample. */
abstract class Family<S> {
  private readonly series = new Map<string, { labels: string; state: S }>();
  private overflowed = false;

  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {}

  protected abstract fresh(): S;

  protected at(values: readonly string[]): S {
    // Length-prefixed, so no value can pose as two.
    let key = "";
    for (const v of values) key += `${v.length}:${v}`;
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= MAX_SERIES && !values.every((v) => v === OVERFLOW)) return this.at(values.map(() => OVERFLOW));
      entry = { labels: labelText(this.labelNames, values), state: this.fresh() };
      this.series.set(key, entry);
      if (this.series.size >= MAX_SERIES && !this.overflowed) {
        this.overflowed = true;
        console.error(`[telemetry] ${this.name} reached ${MAX_SERIES} series; new label sets are counted as "${OVERFLOW}"`);
      }
    }
    return entry.state;
  }

  protected entries(): Iterable<{ labels: string; state: S }> {
    return this.series.values();
  }
}

/** A counter: only goes up. */
export class Counter extends Family<{ value: number }> {
  protected fresh() {
    return { value: 0 };
  }

  inc(values: readonly string[], by = 1): void {
    if (by > 0 && Number.isFinite(by)) this.at(values).value += by;
  }

  render(): string {
    let out = header(this.name, this.help, "counter");
    for (const { labels, state } of this.entries()) out += `${this.name}${labels} ${formatValue(state.value)}\n`;
    return out;
  }
}

type HistogramState = { counts: Float64Array; sum: number; count: number };

/** A histogram with fixed upper bounds (seconds); buckets are cumulative when rendered, as the format wants. */
export class Histogram extends Family<HistogramState> {
  constructor(name: string, help: string, labelNames: readonly string[], readonly bounds: readonly number[]) {
    super(name, help, labelNames);
  }

  protected fresh(): HistogramState {
    return { counts: new Float64Array(this.bounds.length), sum: 0, count: 0 };
  }

  observe(values: readonly string[], value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const state = this.at(values);
    const i = this.bounds.findIndex((b) => value <= b);
    if (i >= 0) state.counts[i]++;
    state.sum += value;
    state.count++;
  }

  render(): string {
    let out = header(this.name, this.help, "histogram");
    for (const { labels, state } of this.entries()) {
      // The bucket's `le` joins the family's labels inside the same braces.
      const open = labels ? `${labels.slice(0, -1)},` : "{";
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += state.counts[i];
        out += `${this.name}_bucket${open}le="${formatValue(bound)}"} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${open}le="+Inf"} ${state.count}\n`;
      out += `${this.name}_sum${labels} ${formatValue(state.sum)}\n`;
      out += `${this.name}_count${labels} ${state.count}\n`;
    }
    return out;
  }
}

/** A gauge read when scraped. */
export function gauge(name: string, help: string, value: number): string {
  return `${header(name, help, "gauge")}${name} ${formatValue(value)}\n`;
}

/** A counter read when scraped (a process's CPU seconds). */
export function counterNow(name: string, help: string, value: number): string {
  return `${header(name, help, "counter")}${name} ${formatValue(value)}\n`;
}
