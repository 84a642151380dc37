import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "./embedded";

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "keel-embedded-"));
  dirs.push(d);
  return path.join(d, "data");
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A client connected to `url`. */
async function connected(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function query(url: string, sql: string) {
  const client = await connected(url);
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded database", () => {
  it("keeps committed rows across a restart, and refuses a second owner of the folder", async () => {
    const dir = tempDir();
    const first = await startEmbeddedDatabase(dir);
    await query(first.url, "CREATE TABLE t (v int); INSERT INTO t VALUES (1), (2)");
    await expect(startEmbeddedDatabase(dir)).rejects.toThrow(/in use by process/);
    await first.stop();
    const second = await startEmbeddedDatabase(dir);
    expect(await query(second.url, "SELECT sum(v)::int AS s FROM t")).toEqual([{ s: 3 }]);
    await second.stop();
  });

  it("keeps committed rows when its process is killed with SIGKILL", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "embedded-kill-fixture.ts"), dir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const committed = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        const m = /committed (\d+)/.exec(b.toString());
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const db = await startEmbeddedDatabase(dir);
    const rows = await query(db.url, "SELECT count(*)::int AS n FROM t");
    expect(rows[0].n).toBeGreaterThanOrEqual(committed);
    await db.stop();
  });

  it("serves one client at a time: the next waits for the first to leave, and starts outside its transaction", async () => {
    const db = await startEmbeddedDatabase("memory://");
    const first = await connected(db.url);
    await first.query("CREATE TABLE t (v int)");
    await first.query("BEGIN");
    await first.query("INSERT INTO t VALUES (1)");
    const second = new pg.Client({ connectionString: db.url });
    const connecting = second.connect();
    await new Promise((r) => setTimeout(r, 100));
    await first.end();
    await connecting;
    // The first client's transaction went with it.
    expect((await second.query("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 0 }]);
    await second.query("INSERT INTO t VALUES (2)");
    expect((await second.query("SELECT sum(v)::int AS s FROM t")).rows).toEqual([{ s: 2 }]);
    await second.end();
    await db.stop();
  });

  it("turns away a second client while the first stays, with an error that says why", async () => {
    const db = await startEmbeddedDatabase("memory://");
    const first = await connected(db.url);
    const second = new pg.Client({ connectionString: db.url });
    await expect(second.connect()).rejects.toThrow(/one client at a time/);
    expect((await first.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await first.end();
    await db.stop();
  });

  it("answers a client's queued queries in order, prepared statements and errors included", async () => {
    const db = await startEmbeddedDatabase("memory://");
    const client = await connected(db.url);
    await client.query("CREATE TABLE t (v int PRIMARY KEY)");
    const results = await Promise.allSettled([
      client.query({ name: "ins", text: "INSERT INTO t VALUES ($1) RETURNING v", values: [1] }),
      client.query({ name: "ins", text: "INSERT INTO t VALUES ($1) RETURNING v", values: [1] }),
      client.query({ name: "ins", text: "INSERT INTO t VALUES ($1) RETURNING v", values: [2] }),
      client.query("SELECT array_agg(v ORDER BY v) AS vs FROM t"),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.rows : String(r.reason)))).toEqual([
      [{ v: 1 }],
      expect.stringMatching(/duplicate key/),
      [{ v: 2 }],
      [{ vs: [1, 2] }],
    ]);
    await client.end();
    await db.stop();
  });

  it("answers messages however they arrive: several in one write, one split across writes", async () => {
    const db = await startEmbeddedDatabase("memory://");
    const wire = await rawClient(db.url);
    await wire.signIn(new URL(db.url).password);
    // Two queries in one write, then a third whose bytes arrive in two writes.
    wire.socket.write(Buffer.concat([simpleQuery("SELECT 41 + 1 AS a"), simpleQuery("SELECT 'x' || 'y' AS b")]));
    const third = simpleQuery("SELECT 7 AS c");
    wire.socket.write(third.subarray(0, 6));
    await new Promise((r) => setTimeout(r, 50));
    wire.socket.write(third.subarray(6));
    await wire.until((ms) => ms.filter((m) => m.type === "Z").length >= 4);
    const rows = wire.messages().filter((m) => m.type === "D").map((m) => m.body.subarray(6).toString());
    expect(rows).toEqual(["42", "xy", "7"]);
    wire.socket.destroy();
    await db.stop();
  });

  it("refuses a client without this start's password, before its startup reaches the database", async () => {
    const db = await startEmbeddedDatabase("memory://");
    const wrong = new URL(db.url);
    wrong.password = "postgres";
    const client = new pg.Client({ connectionString: wrong.toString() });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
    // A raw client that skips the password and sends a query gets nothing but the refusal.
    const wire = await rawClient(db.url);
    wire.socket.write(startupMessage("postgres", "postgres"));
    await wire.until((ms) => ms.some((m) => m.type === "R"));
    wire.socket.write(simpleQuery("SELECT 1"));
    await wire.closed;
    expect(wire.messages().map((m) => m.type)).toEqual(["R", "E"]);
    expect(wire.messages()[1].body.toString()).toContain("unexpected message type");
    // Another start makes another password.
    const other = await startEmbeddedDatabase("memory://");
    expect(new URL(other.url).password).not.toBe(new URL(db.url).password);
    await other.stop();
    await db.stop();
  });

  it("ends a connection that sends what no client may send, and goes on serving the next one", async () => {
    const db = await startEmbeddedDatabase("memory://");
    const password = new URL(db.url).password;
    const attempts: { send: (wire: Awaited<ReturnType<typeof rawClient>>) => Promise<void>; says: RegExp }[] = [
      // A length below the length field's own four bytes.
      { send: async (w) => void (await w.signIn(password), w.socket.write(Buffer.from([0x51, 0, 0, 0, 2]))), says: /invalid message length/ },
      // A password message once signed in (PGlite would spin on it).
      { send: async (w) => void (await w.signIn(password), w.socket.write(passwordMessage("again"))), says: /unexpected message type "p"/ },
      // A startup packet whose list of parameters does not end (PGlite would exit on it).
      { send: async (w) => void w.socket.write(startupPacket("user\0postgres\0")), says: /malformed startup packet/ },
    ];
    for (const attempt of attempts) {
      const wire = await rawClient(db.url);
      await attempt.send(wire);
      await wire.closed;
      expect(wire.messages().at(-1)?.body.toString()).toMatch(attempt.says);
      expect(await query(db.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    }
    await db.stop();
  });

  it("gives the next client a clean session: no prepared statement, setting or transaction of the last one", async () => {
    const db = await startEmbeddedDatabase("memory://");
    const first = await connected(db.url);
    await first.query({ name: "probe", text: "SELECT 1 AS v" });
    await first.query("SET application_name = 'first'");
    await first.query("BEGIN");
    await first.query("SELECT 1/0").catch(() => {});
    await first.end();
    const second = await connected(db.url);
    expect((await second.query({ name: "probe", text: "SELECT 2 AS v" })).rows).toEqual([{ v: 2 }]);
    expect((await second.query("SHOW application_name")).rows[0].application_name).not.toBe("first");
    expect((await second.query("SELECT 3 AS v")).rows).toEqual([{ v: 3 }]);
    await second.end();
    await db.stop();
  });

  it("serves pgvector", async () => {
    const db = await startEmbeddedDatabase("memory://");
    await query(db.url, "CREATE EXTENSION IF NOT EXISTS vector");
    const rows = await query(db.url, "SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector AS d");
    expect(rows[0].d).toBe(1);
    await db.stop();
  });
});

/** A protocol 3.0 startup message. */
function startupMessage(user: string, database: string): Buffer {
  return startupPacket(`user\0${user}\0database\0${database}\0\0`);
}

/** A protocol 3.0 startup packet around `parameters`, as given. */
function startupPacket(parameters: string): Buffer {
  const body = Buffer.from(parameters);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

/** A simple-protocol Query message. */
function simpleQuery(sql: string): Buffer {
  const body = Buffer.from(`${sql}\0`);
  const head = Buffer.alloc(5);
  head.write("Q", 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** A wire-protocol client on a raw socket: what it received, and a way to wait for more. */
async function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let received = Buffer.alloc(0);
  socket.on("data", (b) => (received = Buffer.concat([received, b])));
  const closed = new Promise((r) => socket.once("close", r));
  await new Promise((r) => socket.once("connect", r));
  const messages = () => messagesOf(received);
  const until = async (done: (ms: { type: string; body: Buffer }[]) => boolean) => {
    for (let i = 0; i < 300 && !done(messages()); i++) await new Promise((r) => setTimeout(r, 10));
  };
  const signIn = async (password: string) => {
    socket.write(startupMessage("postgres", "postgres"));
    await until((ms) => ms.some((m) => m.type === "R"));
    socket.write(passwordMessage(password));
    await until((ms) => ms.some((m) => m.type === "Z"));
  };
  return { socket, closed, messages, until, signIn };
}

/** A PasswordMessage. */
function passwordMessage(password: string): Buffer {
  const body = Buffer.from(`${password}\0`);
  const head = Buffer.alloc(5);
  head.write("p", 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** The backend's messages in `bytes`, whole ones only. */
function messagesOf(bytes: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  for (let at = 0; bytes.length - at >= 5; ) {
    const length = 1 + bytes.readInt32BE(at + 1);
    if (bytes.length - at < length) break;
    out.push({ type: String.fromCharCode(bytes[at]), body: bytes.subarray(at + 5, at + length) });
    at += length;
  }
  return out;
}
