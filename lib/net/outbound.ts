import dns from "node:dns";
import net from "node:net";
import type { ConnectionOptions } from "node:tls";
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from "undici";
import { bareAddress, classifyAddress } from "./address-class";
import { normalizeHost, parseAllowList } from "./allow-list";

/** Resolves a hostname to every address it has. */
export type Lookup = (hostname: string) => Promise<string[]>;

export type OutboundPolicyOptions = {
  /** How names are resolved (tests pass a fake; default: the system resolver, as net.connect uses). */
  lookup?: Lookup;
  /** Milliseconds to wait for each TCP/TLS connection (10000, undici's default). */
  connectTimeoutMs?: number;
  /** TLS options for every connection (e.g. an internal CA as `ca`). */
  tls?: ConnectionOptions;
};

/** A destination the policy refuses: the message says what and how to admit it, and is safe to show an admin. */
export class OutboundRefusedError extends Error {
  readonly code = "ERR_KEEL_OUTBOUND_REFUSED";
  constructor(
    message: string,
    /** The host as the URL named it. */
    readonly host: string,
    /** The address that was refused, or null when the URL itself was (scheme). */
    readonly address: string | null,
  ) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

/** The host of a URL did not resolve (when checking a URL; connections report the resolver's own error). */
export class OutboundUnresolvedError extends Error {
  constructor(readonly host: string, cause: unknown) {
    super(`Keel could not resolve ${host} (${(cause as { code?: string })?.code ?? "no address"}).`, { cause });
    this.name = "OutboundUnresolvedError";
  }
}

export type CheckedUrl = { url: URL; port: number; addresses: string[] };

/**
 * The one outbound-URL policy: every call Keel makes to a URL a tenant chose goes through it.
 * `check` validates a URL ahead of time (save time, a clear error); `connect`, and the `dispatcher`
 * and `fetch` built on it, check every connection again and dial exactly the addresses that were
 * checked, so a name that resolves differently later (DNS rebinding), a redirect, or a literal
 * address (which net.connect never looks up) cannot reach a refused address.
 */
export type OutboundPolicy = {
  check(url: string | URL): Promise<CheckedUrl>;
  /** undici's `connect` option for a Client, Pool or Agent. */
  connect: buildConnector.connector;
  /** An Agent whose every connection goes through `connect` (created on first use). */
  readonly dispatcher: Dispatcher;
  /** undici's fetch through `dispatcher`: redirects are followed, each new connection checked. */
  fetch: typeof undiciFetch;
  close(): Promise<void>;
};

const systemLookup: Lookup = async (hostname) => (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Builds the policy for an allow-list spec (KEEL_OUTBOUND_ALLOW); throws when the spec is malformed. */
export function createOutboundPolicy(allowSpec: string, opts: OutboundPolicyOptions = {}): OutboundPolicy {
  const allow = parseAllowList(allowSpec);
  const lookup = opts.lookup ?? systemLookup;
  const base = buildConnector({ ...opts.tls, timeout: opts.connectTimeoutMs ?? 10_000 });

  /** The addresses to dial for host:port, every one of them allowed; throws OutboundRefusedError. */
  async function admit(host: string, port: number): Promise<string[]> {
    const name = normalizeHost(host);
    const literal = bareAddress(name);
    if (literal) {
      refuseIfForbidden(literal, literal, port);
      return [literal];
    }
    const addresses = await lookup(name);
    if (addresses.length === 0) throw Object.assign(new Error(`${name} has no address`), { code: "ENOTFOUND" });
    if (!allow.admitsName(name, port)) for (const address of addresses) refuseIfForbidden(name, address, port);
    return addresses;
  }

  function refuseIfForbidden(host: string, address: string, port: number) {
    const bare = bareAddress(address) ?? address;
    const verdict = classifyAddress(bare);
    if (!verdict || allow.admitsAddress(bare, port)) return;
    const what = `${verdict.class}${verdict.via ? `, ${verdict.via}` : ""}`;
    const subject = host === bare ? `${bare} is ${what}` : `${host} resolves to ${bare}, which is ${what}`;
    throw new OutboundRefusedError(
      `Keel does not call private or loopback addresses (${subject}). To allow a local model server, set KEEL_OUTBOUND_ALLOW=${host} (see README: Outbound calls).`,
      host,
      bare,
    );
  }

  const connect: buildConnector.connector = (options, callback) => {
    const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
    const name = normalizeHost(options.hostname);
    // TLS still verifies the certificate against the name, not the address dialled.
    const servername = options.servername || (net.isIP(name) ? undefined : name);
    const dial = (addresses: string[], i: number) => {
      base({ ...options, hostname: addresses[i], servername }, (error, socket) => {
        // Like net.connect's own fallback across a name's addresses, but only across checked ones.
        if (error && i + 1 < Math.min(addresses.length, 3) && isConnectFailure(error)) return dial(addresses, i + 1);
        if (error) callback(error, null);
        else callback(null, socket!);
      });
    };
    admit(options.hostname, port).then(
      (addresses) => dial(addresses, 0),
      (error: Error) => callback(error, null),
    );
  };

  let agent: Agent | null = null;
  const policy: OutboundPolicy = {
    async check(input) {
      let url: URL;
      try {
        url = typeof input === "string" ? new URL(input) : input;
      } catch {
        throw new OutboundRefusedError("Keel calls only http:// and https:// URLs, and this is not a valid URL.", String(input), null);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new OutboundRefusedError(`Keel calls only http:// and https:// URLs, not ${url.protocol}//.`, url.hostname, null);
      }
      const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
      let addresses: string[];
      try {
        addresses = await admit(url.hostname, port);
      } catch (error) {
        if (error instanceof OutboundRefusedError) throw error;
        throw new OutboundUnresolvedError(normalizeHost(url.hostname), error);
      }
      return { url, port, addresses };
    },
    connect,
    get dispatcher() {
      return (agent ??= new Agent({ connect }));
    },
    fetch: ((input, init) => undiciFetch(input, { ...init, dispatcher: policy.dispatcher })) as typeof undiciFetch,
    async close() {
      await agent?.close();
      agent = null;
    },
  };
  return policy;
}

/** The refusal behind an error from undici or fetch (it may sit in `cause`), if that is what it was. */
export function outboundRefusal(error: unknown): OutboundRefusedError | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefusedError) return e;
  }
  return null;
}

function isConnectFailure(error: Error): boolean {
  const code = (error as { code?: string }).code;
  return code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EADDRNOTAVAIL" || code === "UND_ERR_CONNECT_TIMEOUT";
}
