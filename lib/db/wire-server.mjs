// Serves one PGlite session over the Postgres wire protocol on loopback, one client at a time
// (embedded-worker.mjs runs it). Plain JavaScript, as the worker is.
//
// Each batch of complete messages a client sends goes to PGlite in one call, and what PGlite
// answers leaves in one write. A query in the extended protocol is four or five messages (Bind,
// Describe, Execute, Sync); handled one by one, with a socket write for each reply, the socket's
// system calls cost the database's thread more than a one-row INSERT did (profiled).
//
// The port is on loopback, where any local user can reach it: a client proves it holds this
// boot's password (random, in the URL Keel's own clients use) before its startup packet reaches
// PGlite, which trusts whoever it is handed.
import crypto from "node:crypto";
import net from "node:net";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Postgres's own limits: a startup packet of at most 10,000 bytes, other messages under 1 GB. */
const MAX_STARTUP_BYTES = 10_000;
const MAX_MESSAGE_BYTES = 0x3fffffff;
/** The frontend's message types (protocol 3): anything else is a protocol violation. */
const FRONTEND_TYPES = new Set("BCcdDEfFHPpQSX".split("").map((c) => c.charCodeAt(0)));
const PASSWORD = 0x70; // 'p'
const TERMINATE = 0x58; // 'X'
/** A client has this long to authenticate, and one waiting for the session this long to get it. */
const STARTUP_TIMEOUT_MS = 10_000;
const SLOT_WAIT_MS = 1000;
/** What resets the session when a client leaves, whatever state it left it in (see `release`). */
const RESET = Buffer.concat([query("ROLLBACK"), sync(), query("ROLLBACK"), query("DISCARD ALL")]);

/**
 * Reads whole messages off a byte stream. `next()` returns the next complete message, or null when
 * more bytes are needed; it throws on a length no client may send. Chunks are joined only once a
 * message is whole, so a large message costs one copy, not one per chunk.
 */
export class MessageReader {
  chunks = [];
  size = 0;
  /** Before the startup packet, messages have no type byte. */
  started = false;

  push(chunk) {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  next() {
    const head = this.peek(this.started ? 5 : 8);
    if (!head) return null;
    let length;
    if (this.started) {
      if (!FRONTEND_TYPES.has(head[0])) throw new ProtocolError(`unknown message type ${head[0]}`);
      length = 1 + head.readInt32BE(1);
      if (length < 5 || length > MAX_MESSAGE_BYTES) throw new ProtocolError(`invalid message length ${length - 1}`);
    } else {
      length = head.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_BYTES) throw new ProtocolError(`invalid startup packet length ${length}`);
    }
    if (this.size < length) return null;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const message = Buffer.from(all.subarray(0, length));
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return message;
  }

  peek(n) {
    if (this.size < n) return null;
    if (this.chunks[0].length >= n) return this.chunks[0];
    const joined = Buffer.concat(this.chunks, this.size);
    this.chunks = [joined];
    return joined;
  }
}

class ProtocolError extends Error {}

/**
 * Starts the server on 127.0.0.1 and an ephemeral port; its clients connect as any user with
 * `password`. A second client waits up to a second for the first to go, then is turned away: two
 * clients on one session would read each other's rows. A client that leaves has its session reset
 * (transaction rolled back, prepared statements and settings dropped), so the next one starts clean.
 */
export async function serveWire(db, password) {
  let holder = null;
  let stopping = false;
  const waiting = [];
  const connections = new Set();
  const server = net.createServer((socket) => void new Connection(socket).start());
  server.maxConnections = 16;
  const expected = digest(password);

  class Connection {
    constructor(socket) {
      this.socket = socket;
      this.reader = new MessageReader();
      this.work = Promise.resolve();
      this.state = "startup"; // startup → password → waiting → serving → closed
      this.startup = null;
    }

    start() {
      const { socket } = this;
      connections.add(this);
      socket.setNoDelay(true);
      socket.on("error", () => {});
      socket.on("close", () => this.close());
      socket.on("data", (chunk) => this.receive(chunk));
      this.timer = setTimeout(() => this.fail("28000", "authentication timed out"), STARTUP_TIMEOUT_MS);
      this.timer.unref();
    }

    receive(chunk) {
      if (this.state === "closed") return;
      this.reader.push(chunk);
      const batch = [];
      try {
        for (let m = this.reader.next(); m; m = this.reader.next()) {
          if (this.state === "serving") {
            if (m[0] === TERMINATE) {
              this.queue(batch.splice(0));
              this.work = this.work.then(() => this.socket.end());
              this.state = "closed";
              return;
            }
            batch.push(m);
          } else {
            this.handshake(m);
            if (this.state === "closed") return;
          }
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        // What came whole before the bad message is answered; nothing after it is read.
        this.queue(batch.splice(0));
        this.state = "closed";
        this.work = this.work.then(() => this.fail("08P01", error.message));
        return;
      }
      this.queue(batch);
    }

    /** The messages before the session is this client's: SSL refusal, startup, password. */
    handshake(m) {
      if (this.state === "startup") {
        const code = m.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) return void this.socket.write("N");
        if (code === CANCEL_REQUEST) return void this.end();
        if (code >>> 16 !== 3) return void this.fail("0A000", `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}`);
        this.startup = m;
        this.reader.started = true;
        this.state = "password";
        return void this.socket.write(authRequest(3));
      }
      if (this.state === "password") {
        const given = m[0] === PASSWORD ? m.subarray(5, m.length - 1) : Buffer.alloc(0);
        if (!crypto.timingSafeEqual(digest(given), expected)) return void this.fail("28P01", "password authentication failed");
        clearTimeout(this.timer);
        this.state = "waiting";
        return void this.wait();
      }
      // Messages sent before the session is ours (pipelined after the password) wait their turn.
      (this.early ??= []).push(m);
    }

    wait() {
      if (!holder) return this.serve();
      waiting.push(this);
      setTimeout(() => {
        const i = waiting.indexOf(this);
        if (i < 0) return;
        waiting.splice(i, 1);
        this.fail("53300", "too many connections: the embedded database serves one client at a time");
      }, SLOT_WAIT_MS).unref();
    }

    serve() {
      if (this.state === "closed") return;
      holder = this;
      this.state = "serving";
      const startup = this.startup;
      this.startup = null;
      this.work = this.work.then(async () => {
        const out = [];
        await exec(startup, out);
        // PGlite answers the startup packet with AuthenticationOk itself: the client has had its own.
        await this.write(out);
      });
      const early = this.early ?? [];
      this.early = null;
      const terminate = early.findIndex((m) => m[0] === TERMINATE);
      this.queue(terminate < 0 ? early : early.slice(0, terminate));
      if (terminate >= 0) this.work = this.work.then(() => this.socket.end());
    }

    queue(messages) {
      if (messages.length === 0) return;
      if (this.state !== "serving" && this.state !== "closed") return void (this.early ??= []).push(...messages);
      const bytes = messages.length === 1 ? messages[0] : Buffer.concat(messages);
      this.work = this.work
        .then(async () => {
          if (this.socket.destroyed) return;
          const out = [];
          await exec(bytes, out);
          await this.write(out);
        })
        .catch((error) => {
          console.error("[keel] the embedded database's connection failed:", error);
          this.socket.destroy();
        });
    }

    async write(out) {
      if (out.length === 0 || this.socket.destroyed || !this.socket.writable) return;
      if (this.socket.write(out.length === 1 ? out[0] : Buffer.concat(out))) return;
      // A client that does not read holds its replies here, not more of them.
      await new Promise((resolve) => {
        const done = () => {
          this.socket.off("drain", done);
          this.socket.off("close", done);
          resolve();
        };
        this.socket.on("drain", done);
        this.socket.on("close", done);
      });
    }

    /** Ends the connection with a FATAL error, as Postgres does. */
    fail(code, message) {
      if (this.state === "closed" && this.socket.destroyed) return;
      this.state = "closed";
      this.socket.end(errorResponse(code, message));
      this.end();
    }

    end() {
      this.state = "closed";
      this.socket.end();
      // A client that does not close its side holds no file descriptor for long.
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }

    close() {
      if (this.closed) return;
      this.closed = true;
      this.state = "closed";
      clearTimeout(this.timer);
      connections.delete(this);
      const i = waiting.indexOf(this);
      if (i >= 0) waiting.splice(i, 1);
      if (holder !== this) return;
      // After what was already queued: the session is this client's until then.
      this.work = this.work.then(() => release()).catch((error) => console.error("[keel] resetting the embedded database's session failed:", error));
    }
  }

  /**
   * Resets the session for the next client: a rollback (of a transaction block, or of the implicit
   * transaction of an Execute never synced), a Sync (which ends an error's skip to Sync), a second
   * rollback (of a block that error had aborted), then DISCARD ALL (prepared statements, settings,
   * temporary tables, advisory locks, LISTEN). The next client, if any, gets the session.
   */
  async function release() {
    try {
      if (!stopping && !db.closed) await exec(RESET, []);
    } finally {
      holder = null;
      waiting.shift()?.serve();
    }
  }

  async function exec(bytes, out) {
    await db.runExclusive(() =>
      db.execProtocolRawStream(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
        // PGlite hands out a view of its own buffer, reused by the next call: copy it.
        onRawData: (data) => data.length > 0 && out.push(Buffer.from(data)),
      }),
    );
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    conn: `127.0.0.1:${port}`,
    activeConnections: () => (holder ? 1 : 0),
    /** Closes every connection, after the work each had queued. */
    stop: async () => {
      stopping = true;
      const pending = [...connections].map((c) => {
        c.socket.destroy();
        return c.work.catch(() => {});
      });
      await Promise.all(pending);
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const digest = (value) => crypto.createHash("sha256").update(value).digest();

function message(type, body) {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

function query(sql) {
  return message("Q", Buffer.from(`${sql}\0`));
}

function sync() {
  return message("S", Buffer.alloc(0));
}

/** AuthenticationRequest of `kind` (3: a cleartext password). */
function authRequest(kind) {
  const body = Buffer.alloc(4);
  body.writeInt32BE(kind, 0);
  return message("R", body);
}

/** A FATAL ErrorResponse, as Postgres sends a client it turns away. */
function errorResponse(code, text) {
  const field = (type, value) => Buffer.concat([Buffer.from(type), Buffer.from(value, "utf8"), Buffer.from([0])]);
  return message("E", Buffer.concat([field("S", "FATAL"), field("V", "FATAL"), field("C", code), field("M", text), Buffer.from([0])]));
}
