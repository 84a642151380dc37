// Serves one PGlite session over the Postgres wire protocol on loopback, one client at a time
// (embedded-worker.mjs runs it). Plain JavaScript, as the worker is.
//
// Each batch of complete messages a client sends goes to PGlite in one call, and what PGlite
// answers leaves in one write. A query in the extended protocol is four or five messages (Bind,
// Describe, Execute, Sync); handled one by one, with a socket write for each reply, the socket's
// system calls cost the database's thread more than a one-row INSERT did (profiled).
//
// The port is on loopback, where any local user can reach it: a client proves it holds this
// start's password (random, in the URL Keel's own clients use) before anything it sends reaches
// PGlite, which trusts whoever it is handed. PGlite runs a startup packet or message it cannot
// take by exiting, which would end Keel: the server hands it only what a well-behaved client sends,
// and a client holding the password is Keel itself. COPY FROM STDIN is not served (PGlite needs the
// data in the same call as the statement, and a client sends it only after PGlite's answer).
import crypto from "node:crypto";
import net from "node:net";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const MAX_STARTUP_BYTES = 10_000;
const MAX_PASSWORD_BYTES = 1024;
/** Postgres's own limit on a message. */
const MAX_MESSAGE_BYTES = 0x3fffffff;
const code = (c) => c.charCodeAt(0);
/** What a client may send before it has the session (its password), and once it has it. */
const PASSWORD_TYPES = new Set([code("p")]);
const SESSION_TYPES = new Set("BCDEFHPQSX".split("").map(code));
const TERMINATE = code("X");
/** A client has this long to authenticate, and one waiting for the session this long to get it. */
const STARTUP_TIMEOUT_MS = 5000;
const SLOT_WAIT_MS = 1000;
/** Sockets not yet authenticated, at most: past it the oldest is closed, so none can crowd Keel out. */
const MAX_UNAUTHENTICATED = 8;
/** Batches queued for PGlite past which a client's socket is not read until they are answered. */
const MAX_QUEUED = 16;
/** What resets the session when a client leaves, whatever state it left it in (see `handOn`). */
const RESET = Buffer.concat([query("ROLLBACK"), sync(), query("ROLLBACK"), query("DISCARD ALL")]);

/**
 * Reads whole messages off a byte stream. `next()` returns the next complete message, or null when
 * more bytes are needed; it throws (ProtocolError) on a type or length the current phase does not
 * allow, before buffering the message. Chunks are joined only once a message is whole, so a large
 * message costs one copy, not one per chunk.
 */
export class MessageReader {
  chunks = [];
  size = 0;
  /** null: startup packets (no type byte); else the types allowed, and their largest size. */
  types = null;
  maxBytes = MAX_STARTUP_BYTES;

  push(chunk) {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  next() {
    const head = this.peek(this.types ? 5 : 8);
    if (!head) return null;
    let length;
    if (this.types) {
      if (!this.types.has(head[0])) throw new ProtocolError(`unexpected message type ${JSON.stringify(String.fromCharCode(head[0]))}`);
      length = 1 + head.readInt32BE(1);
      if (length < 5 || length > this.maxBytes) throw new ProtocolError(`invalid message length ${length - 1}`);
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
 * The startup packet PGlite gets for a client's: its one user and database whatever the client
 * named (PGlite exits on an unknown one), and the client's application_name when it gave a
 * printable one. Throws ProtocolError when the packet is not a well-formed list of parameters.
 */
export function startupFor(packet) {
  const text = packet.subarray(8);
  if (text.length === 0 || text[text.length - 1] !== 0) throw new ProtocolError("malformed startup packet");
  const parts = text.subarray(0, text.length - 1).toString("utf8").split("\0");
  if (parts.length % 2 !== 1 || parts[parts.length - 1] !== "") throw new ProtocolError("malformed startup packet");
  const params = new Map();
  for (let i = 0; i + 1 < parts.length; i += 2) params.set(parts[i], parts[i + 1]);
  if (!params.get("user")) throw new ProtocolError("no user in the startup packet");
  if (params.has("replication")) throw new ProtocolError("replication is not served");
  const name = params.get("application_name");
  const pairs = ["user", "postgres", "database", "postgres"];
  if (name && /^[\x20-\x7e]{1,63}$/.test(name)) pairs.push("application_name", name);
  const body = Buffer.from(`${pairs.join("\0")}\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(packet.readInt32BE(4), 4);
  return Buffer.concat([head, body]);
}

/**
 * Starts the server on 127.0.0.1 and an ephemeral port; its clients authenticate with `password`.
 * A second client waits up to a second for the first to go, then is turned away: two clients on
 * one session would read each other's rows. A client that leaves has its session reset
 * (transaction rolled back, prepared statements and settings dropped), so the next one starts clean.
 */
export async function serveWire(db, password) {
  let holder = null;
  let stopping = false;
  const waiting = [];
  const unauthenticated = [];
  const connections = new Set();
  const expected = digest(password);
  const server = net.createServer((socket) => void new Connection(socket).start());

  class Connection {
    constructor(socket) {
      this.socket = socket;
      this.reader = new MessageReader();
      this.work = Promise.resolve();
      this.queued = 0;
      this.state = "startup"; // startup → password → waiting → serving → closed
      this.startup = null;
      this.early = [];
    }

    start() {
      const { socket } = this;
      connections.add(this);
      unauthenticated.push(this);
      if (unauthenticated.length > MAX_UNAUTHENTICATED) unauthenticated[0].fail("53300", "too many connections waiting to authenticate");
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
          if (this.state === "startup" || this.state === "password") {
            this.handshake(m);
            if (this.state === "closed") return;
          } else if (m[0] === TERMINATE) {
            this.queue(batch.splice(0));
            this.whenDone(() => this.end());
            this.state = "closed";
            return;
          } else batch.push(m);
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        // What came whole before the bad message is answered; nothing after it is read.
        this.queue(batch.splice(0));
        this.state = "closed";
        this.whenDone(() => this.fail("08P01", error.message));
        return;
      }
      this.queue(batch);
    }

    /** The messages before the session is this client's: SSL refusal, startup, password. */
    handshake(m) {
      if (this.state === "startup") {
        const version = m.readInt32BE(4);
        if (version === SSL_REQUEST || version === GSSENC_REQUEST) return void this.socket.write("N");
        if (version === CANCEL_REQUEST) return void this.end();
        if (version >>> 16 !== 3) return void this.fail("0A000", `unsupported frontend protocol ${version >>> 16}.${version & 0xffff}`);
        this.startup = startupFor(m);
        this.reader.types = PASSWORD_TYPES;
        this.reader.maxBytes = MAX_PASSWORD_BYTES;
        this.state = "password";
        return void this.socket.write(authRequest(3));
      }
      if (!crypto.timingSafeEqual(digest(m.subarray(5, m.length - 1)), expected)) return void this.fail("28P01", "password authentication failed");
      clearTimeout(this.timer);
      this.forget(unauthenticated);
      this.reader.types = SESSION_TYPES;
      this.reader.maxBytes = MAX_MESSAGE_BYTES;
      if (!holder) return void this.serve();
      this.state = "waiting";
      waiting.push(this);
      setTimeout(() => {
        if (this.state === "waiting") this.fail("53300", "too many connections: the embedded database serves one client at a time");
      }, SLOT_WAIT_MS).unref();
    }

    serve() {
      holder = this;
      this.state = "serving";
      const startup = this.startup;
      this.startup = null;
      // PGlite answers the startup packet with AuthenticationOk itself, after the client's own.
      this.queue([startup]);
      this.queue(this.early.splice(0));
    }

    queue(messages) {
      if (messages.length === 0) return;
      if (this.state === "waiting") return void this.early.push(...messages);
      const bytes = messages.length === 1 ? messages[0] : Buffer.concat(messages);
      if (++this.queued > MAX_QUEUED) this.socket.pause();
      this.whenDone(async () => {
        if (!this.socket.destroyed) await this.write(await exec(bytes));
        if (--this.queued <= MAX_QUEUED / 4) this.socket.resume();
      });
    }

    /** Runs `step` after the connection's queued work, ending the connection if it fails. */
    whenDone(step) {
      this.work = this.work.then(step).catch((error) => {
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
      if (this.socket.destroyed || this.socket.writableEnded) return;
      this.socket.write(errorResponse(code, message));
      this.end();
    }

    end() {
      this.state = "closed";
      this.forget(waiting);
      this.forget(unauthenticated);
      this.socket.end();
      // A client that does not close its side holds no file descriptor, nor the session, for long.
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }

    forget(list) {
      const i = list.indexOf(this);
      if (i >= 0) list.splice(i, 1);
    }

    close() {
      if (this.closed) return;
      this.closed = true;
      this.state = "closed";
      clearTimeout(this.timer);
      connections.delete(this);
      this.forget(waiting);
      this.forget(unauthenticated);
      if (holder !== this) return;
      // After what was already queued (failed or not): the session is this client's until then.
      this.work = this.work.catch(() => {}).then(handOn);
    }
  }

  /**
   * Resets the session and hands it to the next client waiting, if any. The reset is a rollback (of
   * a transaction block, or of the implicit transaction of an Execute never synced), a Sync (which
   * ends an error's skip to Sync), a second rollback (of a block that error had aborted), then
   * DISCARD ALL (prepared statements, settings, temporary tables, advisory locks, LISTEN).
   */
  async function handOn() {
    try {
      if (!stopping) await exec(RESET);
    } catch (error) {
      console.error("[keel] resetting the embedded database's session failed:", error);
    }
    holder = null;
    if (stopping) return;
    waiting.shift()?.serve();
  }

  /** PGlite's answer to `bytes`. PGlite exiting (ExitStatus) leaves no database: the worker ends. */
  async function exec(bytes) {
    const out = [];
    try {
      await db.runExclusive(() =>
        db.execProtocolRawStream(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
          // PGlite hands out a view of its own buffer, reused by the next call: copy it.
          onRawData: (data) => data.length > 0 && out.push(Buffer.from(data)),
        }),
      );
    } catch (error) {
      if (error?.name === "ExitStatus" || db.closed) {
        console.error("[keel] the embedded database exited:", error);
        process.exit(1);
      }
      throw error;
    }
    return out;
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
        return c.work;
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
