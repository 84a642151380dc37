import http from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { describe, expect, it } from "vitest";
import { apiError } from "./errors";
import { RequestSignal } from "./request-signal";

describe("RequestSignal", () => {
  it("fires once, keeping the first reason; an AbortError when none is given", () => {
    const signal = new RequestSignal();
    let fired = 0;
    signal.on("abort", () => fired++);
    signal.abort();
    signal.abort(apiError(503, "shutting_down", "later"));
    expect(fired).toBe(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe("AbortError");
  });

  it("gives an AbortSignal that fires with it, or has fired already, with the same reason", () => {
    const before = new RequestSignal();
    const early = before.abortSignal;
    const reason = apiError(503, "shutting_down", "Keel is shutting down");
    before.abort(reason);
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(reason);

    const after = new RequestSignal();
    after.abort(reason);
    expect(after.abortSignal.aborted).toBe(true);
    expect(after.abortSignal.reason).toBe(reason);
  });

  it("cuts an undici request waiting for a provider's answer, with its reason, and leaves no listener after one that was answered", async () => {
    // Answers /ok; never answers anything else.
    const server = http.createServer((req, res) => {
      if (req.url === "/ok") res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      // A request that completes leaves no listener behind on the request's signal.
      const done = new RequestSignal();
      const answered = await pool.request({ path: "/ok", method: "POST", body: "{}", signal: done });
      await answered.body.text();
      await new Promise((resolve) => setImmediate(resolve)); // the body closes a turn after its end
      expect(done.listenerCount("abort")).toBe(0);

      const signal = new RequestSignal();
      const pending = pool.request({ path: "/", method: "POST", body: "{}", signal });
      const reason = apiError(503, "shutting_down", "Keel is shutting down");
      setTimeout(() => signal.abort(reason), 50);
      await expect(pending).rejects.toBe(reason);
    } finally {
      await pool.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});
