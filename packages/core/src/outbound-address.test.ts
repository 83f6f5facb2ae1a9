import { describe, expect, it } from "vitest";
import { classifyAddress, describeKind, refusedKind, type AddressKind } from "./outbound-address.js";

describe("classifyAddress", () => {
  const cases: Array<[address: string, kind: AddressKind]> = [
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["169.254.0.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["169.254.169.254", "metadata"],
    ["169.254.170.2", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared"],
    ["100.127.255.255", "shared"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["192.0.0.8", "reserved"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["192.0.2.1", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["2001:db8::1", "documentation"],
    ["::7f00:1", "reserved"],
    ["2001:0:4136:e378::1", "reserved"],
    ["fec0::1", "reserved"],
    ["4000::1", "reserved"],
    // Public neighbours of the refused ranges.
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["172.32.0.1", "public"],
    ["172.15.255.255", "public"],
    ["100.63.255.255", "public"],
    ["100.128.0.1", "public"],
    ["169.253.255.255", "public"],
    ["198.20.0.1", "public"],
    ["223.255.255.255", "public"],
    ["11.0.0.1", "public"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4001:80b::200e", "public"],
  ];
  for (const [address, kind] of cases) {
    it(`${address} is ${kind}`, () => expect(classifyAddress(address)).toBe(kind));
  }

  it("looks through IPv4 carried in IPv6: mapped, NAT64 and 6to4", () => {
    const carried = {
      loopback: ["::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:7f00:1]", "2002:7f00:1::1"],
      metadata: ["0:0:0:0:0:ffff:a9fe:a9fe", "64:ff9b::a9fe:a9fe"],
      private: ["::ffff:10.1.2.3", "2002:c0a8:101::1"],
      public: ["::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"],
    };
    for (const [kind, addresses] of Object.entries(carried)) {
      for (const address of addresses) expect(classifyAddress(address), address).toBe(kind);
    }
  });

  it("refuses what is not an IP address", () => {
    expect(() => classifyAddress("localhost")).toThrow(TypeError);
    expect(() => classifyAddress("0x7f000001")).toThrow(TypeError);
    expect(() => classifyAddress("")).toThrow(TypeError);
  });
});

describe("refusedKind", () => {
  it("refuses everything but public addresses by default", () => {
    expect(refusedKind("127.0.0.1")).toBe("loopback");
    expect(refusedKind("192.168.0.10")).toBe("private");
    expect(refusedKind("93.184.215.14")).toBeUndefined();
  });

  it("lets this machine and the LAN through when private addresses are allowed, never metadata or the rest", () => {
    const policy = { allowPrivateAddresses: true };
    for (const address of [
      "127.0.0.1",
      "::1",
      "10.1.2.3",
      "172.20.0.5",
      "192.168.1.2",
      "100.64.1.1",
      "fd12::1",
      "169.254.10.1",
      "fe80::1",
    ]) {
      expect(refusedKind(address, policy), address).toBeUndefined();
    }
    const stillRefused = {
      metadata: ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254"],
      unspecified: ["0.0.0.0", "::"],
      multicast: ["224.0.0.251"],
      reserved: ["240.0.0.1"],
    };
    for (const [kind, addresses] of Object.entries(stillRefused)) {
      for (const address of addresses) expect(refusedKind(address, policy), address).toBe(kind);
    }
  });

  it("describes each kind for a message", () => {
    expect(describeKind("loopback")).toBe("a loopback address");
    expect(describeKind("metadata")).toBe("a cloud metadata address");
    expect(describeKind("unique-local")).toBe("a unique-local address");
  });
});
