import type http from "node:http";

/**
 * The child side of forkServer (processes.ts): listens on a free loopback port with long keep-alive,
 * tells the parent the port over IPC, and exits when the parent goes away or asks it to.
 */
export function serveForParent(server: http.Server): void {
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
  });
  process.on("disconnect", () => process.exit(0));
  process.on("SIGTERM", () => process.exit(0));
}
