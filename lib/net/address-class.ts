import net from "node:net";

/** Why an address is not one Keel calls on a tenant's behalf. */
export type AddressClass =
  | "loopback"
  | "private"
  | "shared (carrier-grade NAT)"
  | "link-local"
  | "the cloud metadata address"
  | "unique-local"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "reserved";

type Range = [network: string, prefix: number];

// Checked in this order, so the narrower reason wins (the metadata address before link-local).
const IPV4: [AddressClass, Range[]][] = [
  // 168.63.129.16: Azure's WireServer, the host agent every Azure VM reaches.
  ["the cloud metadata address", [["169.254.169.254", 32], ["168.63.129.16", 32]]],
  ["loopback", [["127.0.0.0", 8]]],
  ["private", [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16]]],
  ["shared (carrier-grade NAT)", [["100.64.0.0", 10]]],
  ["link-local", [["169.254.0.0", 16]]],
  ["unspecified", [["0.0.0.0", 8]]],
  ["multicast", [["224.0.0.0", 4]]],
  ["broadcast", [["255.255.255.255", 32]]],
  // IETF protocol assignments, documentation, benchmarking, the old 6to4 relay, class E.
  ["reserved", [["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["240.0.0.0", 4]]],
];

const IPV6: [AddressClass, Range[]][] = [
  ["the cloud metadata address", [["fd00:ec2::254", 128]]],
  ["loopback", [["::1", 128]]],
  ["unspecified", [["::", 128]]],
  ["unique-local", [["fc00::", 7]]],
  ["link-local", [["fe80::", 10]]],
  ["multicast", [["ff00::", 8]]],
  // IPv4-compatible (deprecated), discard-only, local-use NAT64, IETF assignments (Teredo among
  // them), documentation, 6to4 (deprecated, embeds any IPv4 address), site-local (deprecated).
  ["reserved", [["::", 96], ["100::", 64], ["64:ff9b:1::", 48], ["2001::", 23], ["2001:db8::", 32], ["3fff::", 20], ["2002::", 16], ["fec0::", 10]]],
];

/** IPv6 prefixes (/96) that carry an IPv4 address in their last 32 bits, and reach it. */
const EMBEDDING_V4: [name: string, prefix: string][] = [
  ["IPv4-mapped", "::ffff:"],
  ["NAT64", "64:ff9b::"],
];

const lists = new Map<AddressClass, net.BlockList>();
const list = (cls: AddressClass) => {
  let l = lists.get(cls);
  if (!l) lists.set(cls, (l = new net.BlockList()));
  return l;
};
for (const [cls, ranges] of IPV4) {
  for (const [network, prefix] of ranges) {
    list(cls).addSubnet(network, prefix, "ipv4");
    // The same range as IPv6 reaches: ::ffff:127.0.0.1 and 64:ff9b::7f00:1 are 127.0.0.1.
    for (const [, v6] of EMBEDDING_V4) list(cls).addSubnet(`${v6}${network}`, 96 + prefix, "ipv6");
  }
}
for (const [cls, ranges] of IPV6) for (const [network, prefix] of ranges) list(cls).addSubnet(network, prefix, "ipv6");
const ORDER: AddressClass[] = [...new Set([...IPV4, ...IPV6].map(([cls]) => cls))];

const embedding = EMBEDDING_V4.map(([name, prefix]) => {
  const l = new net.BlockList();
  l.addSubnet(`${prefix}0.0.0.0`, 96, "ipv6");
  return [name, l] as const;
});

// Global unicast: IANA has allocated nothing public outside 2000::/3, so an IPv6 address beyond it
// that no class above names (the IPv4-translated ::ffff:0:a.b.c.d of SIIT, say) is refused as well.
const GLOBAL_UNICAST = new net.BlockList();
GLOBAL_UNICAST.addSubnet("2000::", 3, "ipv6");

/** An IP address without brackets or a zone id (`fe80::1%eth0`), or null when it is none. */
export function bareAddress(host: string): string | null {
  const inner = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const address = inner.replace(/%.*$/, "");
  return net.isIP(address) ? address : null;
}

/**
 * Why Keel refuses to call `address` (an IP literal), or null for a public address. IPv4 addresses
 * written inside IPv6 (mapped, NAT64) are judged by the IPv4 address they reach.
 */
export function classifyAddress(address: string): { class: AddressClass; via: string | null } | null {
  const family = net.isIPv6(address) ? "ipv6" : "ipv4";
  const via = family === "ipv6" ? (embedding.find(([, l]) => l.check(address, "ipv6"))?.[0] ?? null) : null;
  for (const cls of ORDER) {
    if (list(cls).check(address, family)) return { class: cls, via };
  }
  if (family === "ipv6" && via === null && !GLOBAL_UNICAST.check(address, "ipv6")) return { class: "reserved", via: null };
  return null;
}
