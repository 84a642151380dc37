import { describe, expect, it } from "vitest";
import { classifyAddress } from "./address-class";
import { parseAllowList } from "./allow-list";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared (carrier-grade NAT)"],
    ["169.254.169.254", "the cloud metadata address"],
    ["169.254.1.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fd00:ec2::254", "the cloud metadata address"],
    ["ff02::1", "multicast"],
    ["::7f00:1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["2002:7f00:1::1", "reserved"],
    ["64:ff9b:1::a00:1", "reserved"],
    // Outside global unicast (2000::/3), named by no range: SIIT's IPv4-translated form, unallocated space.
    ["::ffff:0:7f00:1", "reserved"],
    ["::ffff:0:a9fe:a9fe", "reserved"],
    ["4000::1", "reserved"],
    ["e000::1", "reserved"],
  ])("%s is %s", (address, expected) => {
    expect(classifyAddress(address)?.class).toBe(expected);
  });

  it.each([
    ["::ffff:127.0.0.1", "loopback", "IPv4-mapped"],
    ["::ffff:7f00:1", "loopback", "IPv4-mapped"],
    ["::ffff:a9fe:a9fe", "the cloud metadata address", "IPv4-mapped"],
    ["64:ff9b::10.0.0.1", "private", "NAT64"],
    ["64:ff9b::7f00:1", "loopback", "NAT64"],
  ])("%s is judged by the IPv4 address it reaches", (address, expected, via) => {
    expect(classifyAddress(address)).toEqual({ class: expected, via });
  });

  it.each(["8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])("%s is public", (address) => {
    expect(classifyAddress(address)).toBeNull();
  });
});

describe("parseAllowList", () => {
  const allow = parseAllowList(" ollama.lan, *.models.internal:8000, 127.0.0.1:11434, 10.1.0.0/16, ::1, [fd00::/8]:9000 ");

  it("admits names exactly, or under a suffix, on the entry's port", () => {
    expect(allow.admitsName("ollama.lan", 80)).toBe(true);
    expect(allow.admitsName("OLLAMA.LAN.", 443)).toBe(true);
    expect(allow.admitsName("x.ollama.lan", 80)).toBe(false);
    expect(allow.admitsName("a.models.internal", 8000)).toBe(true);
    expect(allow.admitsName("b.a.models.internal", 8000)).toBe(true);
    expect(allow.admitsName("models.internal", 8000)).toBe(false);
    expect(allow.admitsName("a.models.internal", 8001)).toBe(false);
  });

  it("admits addresses and ranges, IPv4 and IPv6, on the entry's port", () => {
    expect(allow.admitsAddress("127.0.0.1", 11434)).toBe(true);
    expect(allow.admitsAddress("127.0.0.1", 5432)).toBe(false);
    expect(allow.admitsAddress("10.1.2.3", 1)).toBe(true);
    expect(allow.admitsAddress("10.2.0.1", 1)).toBe(false);
    expect(allow.admitsAddress("::1", 22)).toBe(true);
    expect(allow.admitsAddress("fd12::1", 9000)).toBe(true);
    expect(allow.admitsAddress("fd12::1", 9001)).toBe(false);
    expect(allow.admitsName("127.0.0.1", 11434)).toBe(false);
  });

  it("admits nothing when empty", () => {
    const none = parseAllowList("");
    expect(none.admitsName("localhost", 80)).toBe(false);
    expect(none.admitsAddress("127.0.0.1", 80)).toBe(false);
  });

  it.each(["127.1", "2130706433", "10.0.0.0/33", "fd00::/200", "host:0", "host:99999", "host:abc", "[::1", "[::1]x", "a b", "*", "*.", "http://x"])(
    "names the malformed entry %s",
    (entry) => {
      expect(() => parseAllowList(`localhost,${entry}`)).toThrow(`KEEL_OUTBOUND_ALLOW: "${entry}"`);
    },
  );
});
