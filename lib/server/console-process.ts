import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { invalidationSchema, publishInvalidation } from "@/lib/gateway/invalidation";
import { consoleMessageSchema, type FrontMessage } from "./console-messages";

/** How long a console that does not come up may take before the start fails. */
const READY_TIMEOUT_MS = 120_000;
/** Waits between restarts of a console that keeps exiting, growing to the last. */
const RESTART_DELAYS_MS = [500, 1_000, 2_000, 5_000];
/** Headers that describe one connection, never passed on by a proxy (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

export type ConsoleProcess = {
  /** Resolves once the console answers, rejects when its first start fails. */
  ready: Promise<void>;
  /** Serves one console request through the child (the client address already settled). */
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** Tells the console where its gateway listens, now and after every restart. */
  setGatewayUrl: (url: string) => void;
  /** Stops the child and waits for it. */
  close: () => Promise<void>;
};

/**
 * Runs the console (Next) in a child process, reached over a Unix socket in a folder only this
 * user can open, and restarted when it exits. The front process owns the port and the gateway;
 * Next's rendering and its garbage stay in the child (DESIGN.md: the gateway keeps 0.85–0.98 of
 * a bare proxy's throughput that way, against a quarter less once Next shares its process).
 *
 * The child is trusted as this process is: it has the same secrets and database. What crosses
 * between them is the settled client address (in `x-forwarded-for`, which only this process
 * writes) and, from the child, the cache invalidations of the console's committed changes, which
 * this process applies to its gateway and relays to other instances over Redis.
 */
export function startConsoleProcess(opts: { script: string; env: NodeJS.ProcessEnv }): ConsoleProcess {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "keel-console-"));
  const socketPath = path.join(folder, "console.sock");
  // One keep-alive pool of connections to the child's socket.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let child: ChildProcess | null = null;
  let answering = false;
  let stopping = false;
  let gatewayUrl: string | null = null;
  let restarts = 0;
  let started!: { resolve: () => void; reject: (error: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));

  const send = (message: FrontMessage) => {
    if (child?.connected) child.send(message);
  };

  const spawn = () => {
    fs.rmSync(socketPath, { force: true });
    const proc = fork(opts.script, [], {
      // The same node flags as this process (tsx's loader, V8 settings).
      execArgv: process.execArgv,
      env: { ...opts.env, KEEL_CONSOLE_SOCKET: socketPath },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child = proc;
    const timer = setTimeout(() => {
      if (!answering) proc.kill("SIGKILL");
    }, READY_TIMEOUT_MS);
    proc.on("message", (raw: unknown) => {
      const message = consoleMessageSchema.safeParse(raw);
      if (!message.success) return;
      if (message.data.type === "ready") {
        clearTimeout(timer);
        answering = true;
        restarts = 0;
        if (gatewayUrl) send({ type: "gateway", url: gatewayUrl });
        started.resolve();
        return;
      }
      // The child sends only well-formed changes; they are checked all the same before a cache drops them.
      const change = invalidationSchema.safeParse(message.data.change);
      if (change.success) publishInvalidation([change.data]);
    });
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      const wasAnswering = answering;
      answering = false;
      if (child === proc) child = null;
      if (stopping) return;
      if (!wasAnswering && restarts === 0) {
        started.reject(new Error(`the console process exited before it was ready (${signal ?? `exit code ${code}`})`));
      }
      const delay = RESTART_DELAYS_MS[Math.min(restarts, RESTART_DELAYS_MS.length - 1)];
      restarts++;
      console.error(`[keel] the console process exited (${signal ?? `exit code ${code}`}); restarting it in ${delay} ms`);
      void sleep(delay).then(() => {
        if (!stopping) spawn();
      });
    });
  };
  spawn();

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!answering) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "2" }).end("Keel's console is starting; try again in a moment.\n");
      req.resume();
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = http.request({ socketPath, agent, method: req.method, path: req.url, headers }, (answer) => {
      const raw: string[] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(answer.rawHeaders[i].toLowerCase())) raw.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    });
    upstream.on("error", (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      console.error(`[keel] the console process did not answer: ${error.message}`);
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" }).end("Keel's console did not answer; try again in a moment.\n");
    });
    // A caller that goes away ends the console's work on its request too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  const close = async () => {
    stopping = true;
    answering = false;
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    agent.destroy();
    fs.rmSync(folder, { recursive: true, force: true });
  };

  return {
    ready,
    handle,
    setGatewayUrl: (url) => {
      gatewayUrl = url;
      send({ type: "gateway", url });
    },
    close,
  };
}
