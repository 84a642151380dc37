import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config";

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
