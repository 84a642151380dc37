import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { Pool } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOutboundPolicy, OutboundRefusedError, OutboundUnresolvedError, outboundRefusal, type Lookup } from "./outbound";

/** A loopback server that counts what reaches it. */
async function listen(handler: http.RequestListener = (_req, res) => res.end("ok"), host = "127.0.0.1") {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, hits, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** Names resolve only through this table; a name not in it fails as the system resolver would. */
const fakeLookup = (table: Record<string, string[] | (() => string[])>): Lookup & { calls: string[] } => {
  const calls: string[] = [];
  const lookup = async (name: string) => {
    calls.push(name);
    const entry = table[name];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return typeof entry === "function" ? entry() : entry;
  };
  return Object.assign(lookup, { calls });
};

// Every socket Keel's policy opens goes through net.connect or tls.connect: watching them proves a
// refused address was never dialled (no packet leaves for 10.0.0.1 in these tests).
const dialled = () =>
  [...vi.mocked(net.connect).mock.calls, ...vi.mocked(tls.connect).mock.calls].map((args) => (args[0] as { host?: string }).host);

beforeAll(() => {
  vi.spyOn(net, "connect");
  vi.spyOn(tls, "connect");
});
afterEach(() => {
  vi.mocked(net.connect).mockClear();
  vi.mocked(tls.connect).mockClear();
});
afterAll(() => vi.restoreAllMocks());

describe("check", () => {
  const neverLookup: Lookup = async (name) => {
    throw new Error(`looked up ${name}`);
  };
  const policy = createOutboundPolicy("", { lookup: neverLookup });

  it.each([
    ["http://127.0.0.1/v1", "127.0.0.1 is loopback", "127.0.0.1"],
    ["http://2130706433/v1", "127.0.0.1 is loopback", "127.0.0.1"],
    ["http://0x7f.1/v1", "127.0.0.1 is loopback", "127.0.0.1"],
    ["http://127.1:8080/v1", "127.0.0.1 is loopback", "127.0.0.1"],
    ["http://0177.0.0.1/v1", "127.0.0.1 is loopback", "127.0.0.1"],
    ["http://10.0.0.1/v1", "10.0.0.1 is private", "10.0.0.1"],
    ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is the cloud metadata address", "169.254.169.254"],
    ["http://0.0.0.0:11434/v1", "0.0.0.0 is unspecified", "0.0.0.0"],
    ["http://[::1]:8000/v1", "::1 is loopback", "::1"],
    ["http://[::]/v1", ":: is unspecified", "::"],
    ["http://[::ffff:127.0.0.1]/v1", "::ffff:7f00:1 is loopback, IPv4-mapped", "::ffff:7f00:1"],
    ["http://[::ffff:7f00:1]/v1", "::ffff:7f00:1 is loopback, IPv4-mapped", "::ffff:7f00:1"],
    ["http://[64:ff9b::10.0.0.1]/v1", "64:ff9b::a00:1 is private, NAT64", "64:ff9b::a00:1"],
    ["https://[fe80::1]/v1", "fe80::1 is link-local", "fe80::1"],
    ["https://[fd00::1]/v1", "fd00::1 is unique-local", "fd00::1"],
    ["http://100.64.0.1/v1", "100.64.0.1 is shared (carrier-grade NAT)", "100.64.0.1"],
  ])("refuses %s, and says how to allow it", async (url, what, address) => {
    const error = await policy.check(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as Error).message).toBe(
      `Keel does not call private or loopback addresses (${what}). To allow a local model server, set KEEL_OUTBOUND_ALLOW=${address} (see README: Outbound calls).`,
    );
  });

  it.each(["ftp://example.com/", "file:///etc/passwd", "gopher://127.0.0.1/", "not a url"])("refuses %s: only http(s)", async (url) => {
    await expect(policy.check(url)).rejects.toThrow(/only http:\/\/ and https:\/\//);
  });

  it("refuses a name when any of its addresses is refused, naming both", async () => {
    const p = createOutboundPolicy("", { lookup: fakeLookup({ "mixed.test": ["93.184.216.34", "10.0.0.1"], "localhost": ["127.0.0.1"] }) });
    await expect(p.check("https://mixed.test/v1")).rejects.toThrow("(mixed.test resolves to 10.0.0.1, which is private). To allow a local model server, set KEEL_OUTBOUND_ALLOW=mixed.test");
    await expect(p.check("http://localhost:11434/v1")).rejects.toThrow("(localhost resolves to 127.0.0.1, which is loopback)");
  });

  it("passes public names and addresses, and says when a name does not resolve", async () => {
    const p = createOutboundPolicy("", { lookup: fakeLookup({ "api.example.test": ["93.184.216.34", "2606:2800:220:1::1"] }) });
    expect((await p.check("https://api.example.test/v1")).addresses).toEqual(["93.184.216.34", "2606:2800:220:1::1"]);
    expect((await p.check("http://8.8.8.8/v1")).port).toBe(80);
    await expect(p.check("https://nowhere.test/v1")).rejects.toBeInstanceOf(OutboundUnresolvedError);
  });

  it("admits what the allow-list names, and only on its port", async () => {
    const p = createOutboundPolicy("127.0.0.1:11434,ollama.lan,10.0.0.0/8", { lookup: fakeLookup({ "ollama.lan": ["192.168.1.20"], "gpu.lan": ["10.2.3.4"] }) });
    await expect(p.check("http://127.0.0.1:11434/v1")).resolves.toBeTruthy();
    await expect(p.check("http://127.0.0.1:5432/v1")).rejects.toThrow("127.0.0.1 is loopback");
    await expect(p.check("http://ollama.lan:11434/v1")).resolves.toBeTruthy();
    await expect(p.check("http://gpu.lan/v1")).resolves.toBeTruthy();
    await expect(p.check("http://[::ffff:10.9.9.9]/v1")).resolves.toBeTruthy();
    await expect(p.check("http://169.254.169.254/")).rejects.toThrow(OutboundRefusedError);
  });
});

describe("connections", () => {
  it("refuses before dialling: a private name, a literal address, the metadata address", async () => {
    const p = createOutboundPolicy("", { lookup: fakeLookup({ "internal.test": ["10.0.0.1"] }) });
    for (const origin of ["http://internal.test", "http://10.0.0.1:8080", "http://169.254.169.254", "https://[fd00::1]"]) {
      const pool = new Pool(origin, { connect: p.connect });
      const error = await pool.request({ path: "/", method: "GET" }).catch((e: unknown) => e);
      expect(outboundRefusal(error), origin).toBeInstanceOf(OutboundRefusedError);
      await pool.destroy();
    }
    expect(dialled()).toEqual([]);
  });

  it("dials the address it checked, and checks again on every new connection (DNS rebinding)", async () => {
    const upstream = await listen();
    // First answer: the admitted loopback server; afterwards the name "rebinds" to a private address.
    const answers = [["127.0.0.1"], ["10.0.0.1"]];
    const lookup = fakeLookup({ "rebind.test": () => answers.shift() ?? ["10.0.0.1"] });
    const p = createOutboundPolicy(`127.0.0.1:${upstream.port}`, { lookup });
    const first = new Pool(`http://rebind.test:${upstream.port}`, { connect: p.connect });
    const ok = await first.request({ path: "/first", method: "GET" });
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
    expect(dialled()).toEqual(["127.0.0.1"]);
    await first.destroy();

    const second = new Pool(`http://rebind.test:${upstream.port}`, { connect: p.connect });
    const error = await second.request({ path: "/second", method: "GET" }).catch((e: unknown) => e);
    expect(outboundRefusal(error)?.message).toContain("rebind.test resolves to 10.0.0.1, which is private");
    await second.destroy();
    expect(dialled()).toEqual(["127.0.0.1"]);
    expect(upstream.hits).toEqual(["/first"]);
    expect(lookup.calls).toEqual(["rebind.test", "rebind.test"]);
    await upstream.close();
  });

  it("fetch follows a redirect only to an allowed address", async () => {
    const target = await listen();
    const v6 = await listen(undefined, "::1");
    const redirector = await listen((req, res) => {
      const to = req.url === "/to-v6" ? `http://[::1]:${v6.port}/` : req.url === "/to-mapped" ? `http://[::ffff:127.0.0.1]:${target.port}/` : `http://localhost:${target.port}/`;
      res.writeHead(302, { location: to }).end();
    });
    const p = createOutboundPolicy(`127.0.0.1:${redirector.port}`, { lookup: fakeLookup({ localhost: ["127.0.0.1"] }) });
    for (const hop of ["/to-localhost", "/to-v6", "/to-mapped"]) {
      const error = await p.fetch(`http://127.0.0.1:${redirector.port}${hop}`).catch((e: unknown) => e);
      expect(outboundRefusal(error), hop).toBeInstanceOf(OutboundRefusedError);
    }
    expect(redirector.hits).toEqual(["/to-localhost", "/to-v6", "/to-mapped"]);
    expect(target.hits).toEqual([]);
    expect(v6.hits).toEqual([]);

    const open = createOutboundPolicy(`127.0.0.1:${redirector.port},127.0.0.1:${target.port}`, { lookup: fakeLookup({ localhost: ["127.0.0.1"] }) });
    expect(await (await open.fetch(`http://127.0.0.1:${redirector.port}/to-localhost`)).text()).toBe("ok");
    expect(target.hits).toEqual(["/"]);
    await Promise.all([p.close(), open.close(), target.close(), v6.close(), redirector.close()]);
  });
});

describe("TLS to a pinned address", () => {
  let dir = "";
  let cert: { key: Buffer; cert: Buffer };
  // A throwaway certificate from the openssl CLI (.ci/run installs it on a bare machine).
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=models.keel.test",
      "-addext", "subjectAltName=DNS:models.keel.test", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    cert = { key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("verifies the certificate against the name, and sends the name as SNI", async () => {
    let sni: string | undefined;
    const server = https.createServer({ ...cert }, (_req, res) => res.end("secure"));
    server.on("secureConnection", (socket: tls.TLSSocket) => (sni = (socket as tls.TLSSocket & { servername?: string }).servername));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const lookup = fakeLookup({ "models.keel.test": ["127.0.0.1"], "other.keel.test": ["127.0.0.1"] });
    const p = createOutboundPolicy("127.0.0.1", { lookup, tls: { ca: cert.cert } });
    expect(await (await p.fetch(`https://models.keel.test:${port}/`)).text()).toBe("secure");
    expect(sni).toBe("models.keel.test");
    expect(dialled()).toContain("127.0.0.1");
    // The same address under a name the certificate does not carry fails verification.
    const wrong = await p.fetch(`https://other.keel.test:${port}/`).catch((e: unknown) => e);
    expect(String((wrong as Error).cause)).toMatch(/altnames|Hostname\/IP does not match/i);
    await p.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
