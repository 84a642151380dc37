import net from "node:net";
import { bareAddress } from "./address-class";

/**
 * The platform's outbound allow-list (KEEL_OUTBOUND_ALLOW): comma-separated entries that admit
 * otherwise refused destinations. An entry is a hostname (`ollama.lan`), a suffix (`*.lan`, which
 * does not match `lan` itself), an address (`127.0.0.1`, `::1`) or a CIDR range (`10.0.0.0/8`,
 * `fd00::/8`), optionally followed by `:port` (`[...]:port` for IPv6). Without a port every port
 * of the destination is admitted.
 */
export type AllowList = {
  /** True when the host (as written in the URL) is admitted by name on this port. */
  admitsName(host: string, port: number): boolean;
  /** True when the address is inside an admitted address or range on this port. */
  admitsAddress(address: string, port: number): boolean;
};

type Rule =
  | { kind: "name"; name: string; port: number | null }
  | { kind: "suffix"; suffix: string; port: number | null }
  | { kind: "range"; list: net.BlockList; port: number | null };

/** Parses KEEL_OUTBOUND_ALLOW; throws naming the entry that is not a host, address or range. */
export function parseAllowList(spec: string): AllowList {
  const rules = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseEntry);
  const portOk = (rule: Rule, port: number) => rule.port === null || rule.port === port;
  return {
    admitsName(host, port) {
      const name = normalizeHost(host);
      return rules.some(
        (r) => portOk(r, port) && ((r.kind === "name" && r.name === name) || (r.kind === "suffix" && name.endsWith(r.suffix))),
      );
    },
    admitsAddress(address, port) {
      const family = net.isIPv6(address) ? "ipv6" : "ipv4";
      return rules.some((r) => r.kind === "range" && portOk(r, port) && r.list.check(address, family));
    },
  };
}

/** Lower case, without brackets or a trailing dot: how hosts are compared. */
export function normalizeHost(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

function parseEntry(entry: string): Rule {
  const fail = (why: string) =>
    new Error(`KEEL_OUTBOUND_ALLOW: "${entry}" ${why}; use hostnames, *.suffix, addresses or CIDR ranges, each optionally with :port (IPv6 as [addr]:port).`);
  let target = entry;
  let portText: string | null = null;
  if (entry.startsWith("[")) {
    const end = entry.indexOf("]");
    if (end < 0) throw fail("has no closing bracket");
    target = entry.slice(1, end);
    const rest = entry.slice(end + 1);
    if (rest && !rest.startsWith(":")) throw fail("has text after the bracket");
    portText = rest ? rest.slice(1) : null;
  } else if (entry.split(":").length === 2) {
    // One colon is host:port; more are an IPv6 address written without brackets (no port).
    [target, portText] = entry.split(":");
  }
  let port: number | null = null;
  if (portText !== null) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw fail("has an invalid port");
  }

  const slash = target.indexOf("/");
  if (slash >= 0) {
    const address = target.slice(0, slash);
    const bits = Number(target.slice(slash + 1));
    const family = net.isIP(address);
    if (!family) throw fail("is not a CIDR range");
    if (!Number.isInteger(bits) || target.slice(slash + 1) === "" || bits < 0 || bits > (family === 4 ? 32 : 128)) throw fail("has an invalid prefix length");
    const list = new net.BlockList();
    list.addSubnet(address, bits, family === 4 ? "ipv4" : "ipv6");
    return { kind: "range", list, port };
  }
  const address = bareAddress(target);
  if (address) {
    const list = new net.BlockList();
    list.addAddress(address, net.isIPv6(address) ? "ipv6" : "ipv4");
    return { kind: "range", list, port };
  }
  const wildcard = target.startsWith("*.");
  const name = normalizeHost(wildcard ? target.slice(2) : target);
  if (!isHostname(name)) throw fail("is not a hostname");
  return wildcard ? { kind: "suffix", suffix: `.${name}`, port } : { kind: "name", name, port };
}

/** A DNS name as the URL parser keeps it: not an address in another spelling (127.1), not empty. */
function isHostname(name: string): boolean {
  if (!name || name.includes("*")) return false;
  try {
    const parsed = new URL(`http://${name}/`).hostname;
    return parsed === name && !net.isIP(parsed);
  } catch {
    return false;
  }
}
