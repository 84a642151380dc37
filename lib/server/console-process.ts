import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { invalidationSchema, publishInvalidation } from "@/lib/gateway/invalidation";
import { consoleMessageSchema, type FrontMessage } from "./console-messages";
import { makeSocketFolder, type SocketFolder } from "./socket-folder";

/** How long a console that does not come up may take before the start fails. */
const READY_TIMEOUT_MS = 120_000;
/** Waits between restarts of a console that keeps exiting, growing to the last. */
const RESTART_DELAYS_MS = [500, 2_000, 5_000, 15_000, 30_000];
/** A console that has answered this long is healthy again: the next restart waits the shortest time. */
const STABLE_MS = 60_000;
/** How often the console is asked whether its event loop still turns, and how long it may stay silent. */
const PING_MS = 10_000;
const SILENT_MS = 35_000;
/** A console page whose headers have not come by then gets a 504, so a stuck console holds no one forever. */
const ANSWER_TIMEOUT_MS = 120_000;
const CONSOLE_GONE = "the console process exited";
/** How soon the console's process hears that request records were committed (its rollups are nudged as often). */
const RECORDS_TOLD_MS = 1_000;
/** Headers that describe one connection, never passed on by a proxy (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

export type ConsoleProcess = {
  /** Resolves once the console answers, rejects when its first start fails. */
  ready: Promise<void>;
  /** Serves one console request through the child (the client address already settled). */
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** Request records were committed: the console's process, which rolls them up, is told within a second. */
  recordsCommitted: () => void;
  /** Tells the console's process to stop; from now on its exit is the end, not a crash to restart from. */
  beginStop: () => void;
  /** Stops the child and waits for it. */
  close: () => Promise<void>;
};

const plain = (res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}) =>
  res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8" }).end(`${text}\n`);

/**
 * Runs the console (Next) in a child process, reached over a Unix socket in a folder only this
 * user can open, and restarted when it exits or stops answering. The front process owns the port
 * and the gateway; Next's rendering and its garbage stay in the child (DESIGN.md).
 *
 * The child is trusted as this process is: it has the same secrets and database. What crosses
 * between them is the settled client address (in `x-forwarded-for`, which only this process
 * writes); from the child, the cache invalidations of the console's committed changes, which this
 * process applies to its gateway and relays to other instances over Redis; and to the child, that
 * request records were committed, for the rollups of the background work it runs.
 */
export function startConsoleProcess(opts: { script: string; env: NodeJS.ProcessEnv; home: string; gatewayUrl: string }): ConsoleProcess {
  let folder: SocketFolder = makeSocketFolder(opts.home);
  // No cap on connections to the child: a cap would let a few hundred slow clients hold every one.
  const agent = new http.Agent({ keepAlive: true });
  let child: ChildProcess | null = null;
  // Requests handed to the running child; when it dies they fail at once rather than wait out
  // ANSWER_TIMEOUT_MS (a request proxied in the moment the child is killed can otherwise hang).
  let inflight = new Set<http.ClientRequest>();
  let answering = false;
  let answeringSince = 0;
  let lastHeard = 0;
  let stopping = false;
  let restarts = 0;
  let started!: { resolve: () => void; reject: (error: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));

  const send = (proc: ChildProcess, message: FrontMessage) => {
    if (!proc.connected) return;
    // A child that has just died fails the write; its exit brings the restart.
    proc.send(message, (error) => error && console.error(`[keel] could not reach the console process: ${error.message}`));
  };

  const restartLater = (why: string) => {
    if (stopping) return;
    const delay = RESTART_DELAYS_MS[Math.min(restarts, RESTART_DELAYS_MS.length - 1)];
    restarts++;
    console.error(`[keel] the console process ${why}; restarting it in ${delay} ms`);
    void sleep(delay).then(spawn);
  };

  const spawn = () => {
    if (stopping) return;
    try {
      try {
        folder.check();
      } catch (error) {
        console.error(`[keel] ${(error as Error).message} Making a new one.`);
        folder = makeSocketFolder(opts.home);
      }
      launch(folder.socketPath);
    } catch (error) {
      restartLater(`could not be started (${(error as Error).message})`);
    }
  };

  const launch = (socketPath: string) => {
    const proc = fork(opts.script, [], {
      // The same node flags as this process (tsx's loader, V8 settings).
      execArgv: process.execArgv,
      env: { ...opts.env, KEEL_CONSOLE_SOCKET: socketPath, KEEL_CONSOLE_GATEWAY_URL: opts.gatewayUrl },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child = proc;
    const handed = new Set<http.ClientRequest>();
    inflight = handed;
    let gone = false;
    const timer = setTimeout(() => {
      if (!answering) proc.kill("SIGKILL");
    }, READY_TIMEOUT_MS);
    const pinger = setInterval(() => {
      if (!answering) return;
      if (Date.now() - lastHeard > SILENT_MS) {
        console.error(`[keel] the console process has not answered for ${Math.round((Date.now() - lastHeard) / 1000)} s; stopping it`);
        proc.kill("SIGKILL");
        return;
      }
      if (Date.now() - answeringSince > STABLE_MS) restarts = 0;
      send(proc, { type: "ping" });
    }, PING_MS);
    proc.on("message", (raw: unknown) => {
      lastHeard = Date.now();
      const message = consoleMessageSchema.safeParse(raw);
      if (!message.success) return;
      if (message.data.type === "ready") {
        clearTimeout(timer);
        answering = true;
        answeringSince = Date.now();
        started.resolve();
        return;
      }
      if (message.data.type !== "invalidate") return;
      const change = invalidationSchema.safeParse(message.data.change);
      if (change.success) publishInvalidation([change.data]);
      else console.error(`[keel] ignored a cache invalidation from the console that is not one: ${change.error.issues[0]?.message}`);
    });
    const ended = (why: string) => {
      if (gone) return;
      gone = true;
      clearTimeout(timer);
      clearInterval(pinger);
      const wasAnswering = answering;
      answering = false;
      if (child === proc) child = null;
      for (const request of handed) request.destroy(new Error(CONSOLE_GONE));
      handed.clear();
      if (stopping) return;
      if (!wasAnswering && restarts === 0) started.reject(new Error(`the console process ${why} before it was ready`));
      restartLater(why);
    };
    proc.once("exit", (code, signal) => ended(`exited (${signal ?? `exit code ${code}`})`));
    // fork's own failures (EMFILE, EAGAIN) arrive here, sometimes with no exit to follow.
    proc.on("error", (error) => ended(`failed (${error.message})`));
  };
  spawn();

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!answering) {
      req.resume();
      plain(res, 503, "Keel's console is starting; try again in a moment.", { "retry-after": "2" });
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = http.request({ socketPath: folder.socketPath, agent, method: req.method, path: req.url, headers }, (answer) => {
      upstream.setTimeout(0);
      const raw: string[] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(answer.rawHeaders[i].toLowerCase())) raw.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    });
    const handed = inflight;
    handed.add(upstream);
    upstream.once("close", () => handed.delete(upstream));
    upstream.setTimeout(ANSWER_TIMEOUT_MS, () => upstream.destroy(new Error("timed out")));
    upstream.on("error", (error) => {
      // The caller left first: nothing to answer and nothing wrong with the console.
      // (Not `req.destroyed`: a request whose body has been read is destroyed already.)
      if (res.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const timedOut = error.message === "timed out";
      if (error.message !== CONSOLE_GONE) console.error(`[keel] the console process did not answer ${req.method} ${req.url?.split("?")[0]}: ${error.message}`);
      // A console that cannot be reached is one that died or is dying: it is being restarted.
      if (timedOut) plain(res, 504, "Keel's console took too long to answer.");
      else plain(res, 503, "Keel's console is restarting; try again in a moment.", { "retry-after": "2" });
    });
    // A caller that goes away ends the console's work on its request too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  // At most one message a second, however many batches of records commit meanwhile.
  let recordsTold: NodeJS.Timeout | null = null;
  const recordsCommitted = () => {
    recordsTold ??= setTimeout(() => {
      recordsTold = null;
      if (child) send(child, { type: "records" });
    }, RECORDS_TOLD_MS).unref();
  };

  const close = async () => {
    stopping = true;
    answering = false;
    if (recordsTold) clearTimeout(recordsTold);
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      send(proc, { type: "stop" });
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    agent.destroy();
    folder.remove();
  };

  // The console's process starts stopping at once: its background work (evaluation runs calling
  // the gateway, say) winds down while the gateway lets its last requests finish.
  const beginStop = () => {
    stopping = true;
    if (child) send(child, { type: "stop" });
  };

  return { ready, handle, recordsCommitted, beginStop, close };
}
