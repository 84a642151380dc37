import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gatewayConfig, loadConfig } from "./config";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "keel-config-"));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", KEEL_HOME: home, ...env });
const SERVER = "postgresql://keel@db.internal:5432/keel";

describe("where the console runs", () => {
  it("runs apart from the gateway on a PostgreSQL server, and in the same process on the embedded database", () => {
    expect(load({ DATABASE_URL: SERVER }).consoleProcess).toBe("separate");
    expect(load({}).consoleProcess).toBe("shared");
  });

  it("keeps one process when asked to, on a server too", () => {
    expect(load({ DATABASE_URL: SERVER, KEEL_CONSOLE_PROCESS: "shared" }).consoleProcess).toBe("shared");
  });

  it("refuses a separate console on the embedded database, naming the variable and the fix", () => {
    expect(() => load({ KEEL_CONSOLE_PROCESS: "separate" })).toThrow(/KEEL_CONSOLE_PROCESS: `separate` needs DATABASE_URL/);
    expect(() => load({ DATABASE_URL: SERVER, KEEL_CONSOLE_PROCESS: "both" })).toThrow(/KEEL_CONSOLE_PROCESS/);
  });
});

describe("telemetry", () => {
  it("is off unless an OTLP endpoint or a metrics token is set", () => {
    const config = load({});
    expect(config).toMatchObject({ otlpTracesUrl: null, metricsToken: null, otelServiceName: "keel" });
    expect(gatewayConfig(config).telemetry).toBeNull();
  });

  it("sends spans to the OTLP endpoint's /v1/traces, with the headers and service name given", () => {
    const config = load({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.internal:4318/", OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=a%20b, tenant=ops", OTEL_SERVICE_NAME: "keel-eu" });
    expect(gatewayConfig(config).telemetry).toEqual({
      otlpTracesUrl: "http://collector.internal:4318/v1/traces",
      otlpHeaders: { "x-api-key": "a b", tenant: "ops" },
      serviceName: "keel-eu",
      metricsToken: null,
    });
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/in" }).otlpTracesUrl).toBe("https://traces.example/in");
  });

  it("serves metrics with a token of 16 characters or more", () => {
    expect(gatewayConfig(load({ KEEL_METRICS_TOKEN: "0123456789abcdef" })).telemetry).toMatchObject({ otlpTracesUrl: null, metricsToken: "0123456789abcdef" });
    expect(() => load({ KEEL_METRICS_TOKEN: "short" })).toThrow(/KEEL_METRICS_TOKEN: must be at least 16 characters/);
  });

  it("refuses an endpoint that is not http(s) and headers it cannot read, naming the variable", () => {
    expect(() => load({ OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://collector:4317" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/);
    expect(() => load({ OTEL_EXPORTER_OTLP_HEADERS: "no-equals-sign" })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS: must be key=value pairs/);
    expect(() => load({ OTEL_EXPORTER_OTLP_HEADERS: "bad header=1" })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
  });
});
