import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it, vi } from "vitest";
import { bearerMatches } from "./metrics-endpoint";
import { Counter, Histogram, MAX_SERIES, escapeLabelValue } from "./prometheus";

const NASTY = ['say "hi"', "back\\slash", "two\nlines", 'all\\"\n of\\nthem"', "ünïcödé {}=,"];

describe("Prometheus text format", () => {
  it("escapes label values so that any name comes back from a parser as it was", () => {
    const counter = new Counter("keel_test_total", "A test counter.", ["tenant", "endpoint"]);
    NASTY.forEach((name, i) => counter.inc([name, `ep-${name}`], i + 1));
    const [family] = parsePrometheusTextFormat(counter.render());
    expect(family).toMatchObject({ name: "keel_test_total", help: "A test counter.", type: "COUNTER" });
    expect(family.metrics.map((m) => [m.labels, Number(m.value)])).toEqual(NASTY.map((name, i) => [{ tenant: name, endpoint: `ep-${name}` }, i + 1]));
    // One line per sample: no value put a line feed of its own into the output.
    expect(counter.render().trimEnd().split("\n")).toHaveLength(2 + NASTY.length);
  });

  it("escapes exactly backslash, double quote and line feed", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it("keeps label sets apart that a plain separator would run together", () => {
    const counter = new Counter("keel_test_total", "t", ["a", "b"]);
    counter.inc(["x\u0000y", "z"]);
    counter.inc(["x", "y\u0000z"]);
    expect(parsePrometheusTextFormat(counter.render())[0].metrics).toHaveLength(2);
  });

  it("renders a histogram's buckets cumulatively, with +Inf, sum and count", () => {
    const histogram = new Histogram("keel_test_seconds", "A test histogram.", [], [0.1, 1, 10]);
    for (const v of [0.05, 0.5, 0.7, 5, 50]) histogram.observe([], v);
    const [family] = parsePrometheusTextFormat(histogram.render());
    expect(family.type).toBe("HISTOGRAM");
    expect(family.metrics[0]).toEqual({ buckets: { "0.1": "1", "1": "3", "10": "4", "+Inf": "5" }, count: "5", sum: String(0.05 + 0.5 + 0.7 + 5 + 50) });
  });

  it("joins `le` to a labelled histogram's own labels", () => {
    const histogram = new Histogram("keel_test_seconds", "t", ["route"], [1]);
    histogram.observe(['chat"x'], 0.5);
    expect(histogram.render()).toContain('keel_test_seconds_bucket{route="chat\\"x",le="1"} 1\n');
    expect(histogram.render()).toContain('keel_test_seconds_count{route="chat\\"x"} 1\n');
  });

  it("ignores what a counter cannot count: nothing, negatives, NaN", () => {
    const counter = new Counter("keel_test_total", "t", ["a"]);
    for (const by of [0, -3, Number.NaN, Infinity]) counter.inc(["x"], by);
    expect(parsePrometheusTextFormat(counter.render())[0].metrics).toEqual([]);
  });

  it("stops adding series past its bound and counts the rest in one overflow series", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const counter = new Counter("keel_test_total", "t", ["tenant"]);
    for (let i = 0; i < MAX_SERIES + 50; i++) counter.inc([`t${i}`]);
    const samples = parsePrometheusTextFormat(counter.render())[0].metrics;
    expect(samples).toHaveLength(MAX_SERIES + 1);
    expect(samples.find((s) => s.labels?.tenant === "_overflow")?.value).toBe("50");
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});

describe("the metrics token", () => {
  const token = "metrics-token-0123456789";
  it("admits the bearer token and nothing else", () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches("", token)).toBe(false);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches(token, token)).toBe(false);
  });
});
