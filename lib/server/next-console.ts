import type http from "node:http";
import next from "next";
import type { KeelConfig } from "@/lib/config";
import { securityHeaders } from "@/lib/net/security-headers";

export type NextConsole = { handle: (req: http.IncomingMessage, res: http.ServerResponse) => void; close: () => Promise<void> };

/** Prepares Next in this process and returns its handler, which adds the console's security headers. */
export async function prepareNextConsole(opts: { dir: string; dev: boolean; config: KeelConfig }): Promise<NextConsole> {
  const createNext = (next as unknown as { default?: typeof next }).default ?? next;
  const app = createNext({ dev: opts.dev, dir: opts.dir, hostname: "localhost", port: opts.config.port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const headers = Object.entries(securityHeaders({ publicUrl: opts.config.publicUrl, dev: opts.dev, oidcIssuer: opts.config.oidcIssuer }));
  return {
    handle: (req, res) => {
      for (const [name, value] of headers) res.setHeader(name, value);
      handleNext(req, res).catch((error: unknown) => {
        console.error("[keel] request failed:", error);
        if (!res.headersSent) res.writeHead(500).end("Internal error");
      });
    },
    close: async () => {
      await app.close?.();
    },
  };
}
