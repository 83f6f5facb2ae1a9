import net from "node:net";

/** Where an IP address leads, as far as an outbound request made for someone else is concerned. */
export type AddressKind =
  | "public"
  | "unspecified"
  | "loopback"
  | "link-local"
  | "metadata"
  | "private"
  | "shared"
  | "unique-local"
  | "multicast"
  | "benchmarking"
  | "documentation"
  | "reserved";

export type RefusedKind = Exclude<AddressKind, "public">;

/** What an outbound request may reach beyond the public internet. */
export interface AddressPolicy {
  /** Loopback, private, shared, unique-local and link-local (metadata excepted) let through. */
  allowPrivateAddresses?: boolean;
}

/**
 * Earlier entries win: the metadata addresses sit inside link-local (and shared, unique-local) ranges, and `::`
 * and `::1` inside the reserved `::/96`.
 */
const RANGES: ReadonlyArray<readonly [RefusedKind, readonly string[]]> = [
  [
    "metadata",
    [
      "169.254.169.254/32", // AWS, GCP, Azure, OpenStack…
      "169.254.170.2/32", // AWS ECS task credentials
      "169.254.170.23/32", // AWS EKS pod identity
      "100.100.100.200/32", // Alibaba Cloud
      "192.0.0.192/32", // Oracle Cloud
      "fd00:ec2::254/128", // AWS over IPv6
      "fd00:ec2::23/128", // AWS EKS pod identity over IPv6
    ],
  ],
  ["unspecified", ["0.0.0.0/8", "::/128"]],
  ["loopback", ["127.0.0.0/8", "::1/128"]],
  ["link-local", ["169.254.0.0/16", "fe80::/10"]],
  ["private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
  ["shared", ["100.64.0.0/10"]],
  ["unique-local", ["fc00::/7"]],
  ["multicast", ["224.0.0.0/4", "ff00::/8"]],
  ["benchmarking", ["198.18.0.0/15", "2001:2::/48"]],
  ["documentation", ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"]],
  [
    "reserved",
    [
      "240.0.0.0/4", // and the broadcast address
      "192.0.0.0/24", // IETF protocol assignments
      "192.88.99.0/24", // retired 6to4 relays
      "::/96", // retired IPv4-compatible IPv6
      "100::/64", // discard-only
      "2001::/32", // Teredo: the IPv4 inside is obfuscated, so it cannot be checked
      "64:ff9b:1::/48", // NAT64 for local use
      "fec0::/10", // retired site-local
    ],
  ],
];

/** The kinds `allowPrivateAddresses` lets through: a receiver on this machine or its network. */
const PRIVATE_KINDS: ReadonlySet<RefusedKind> = new Set([
  "loopback",
  "link-local",
  "private",
  "shared",
  "unique-local",
]);

const LISTS = RANGES.map(([kind, subnets]) => {
  const list = new net.BlockList();
  for (const subnet of subnets) {
    const [network, prefix] = subnet.split("/") as [string, string];
    list.addSubnet(network, Number(prefix), net.isIPv4(network) ? "ipv4" : "ipv6");
  }
  return [kind, list] as const;
});

/** The eight 16-bit groups of an IPv6 address already known to be valid. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const dottedOf = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/**
 * The IPv4 address an IPv6 one carries and is delivered to: IPv4-mapped (`::ffff:a.b.c.d`, which the socket
 * layer connects over IPv4), the well-known NAT64 prefix and 6to4. Undefined for any other address.
 */
function embeddedIpv4(groups: readonly number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return dottedOf(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return dottedOf(g6, g7);
  if (g0 === 0x2002) return dottedOf(g1 ?? 0, g2 ?? 0);
  return undefined;
}

/** The kind of an IPv4 or IPv6 address (brackets and a zone id allowed); throws on anything else. */
export function classifyAddress(address: string): AddressKind {
  const bare = address.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const family = net.isIP(bare);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  if (family === 6) {
    const groups = ipv6Groups(bare);
    const inner = embeddedIpv4(groups);
    if (inner !== undefined) return classifyAddress(inner);
    for (const [kind, list] of LISTS) if (list.check(bare, "ipv6")) return kind;
    // Only 2000::/3 is handed out as global unicast; everything else is unassigned or special.
    return ((groups[0] ?? 0) & 0xe000) === 0x2000 ? "public" : "reserved";
  }
  for (const [kind, list] of LISTS) if (list.check(bare, "ipv4")) return kind;
  return "public";
}

/** Why an outbound request must not go to `address`, or undefined when it may. */
export function refusedKind(address: string, policy: AddressPolicy = {}): RefusedKind | undefined {
  const kind = classifyAddress(address);
  if (kind === "public") return undefined;
  if (policy.allowPrivateAddresses && PRIVATE_KINDS.has(kind)) return undefined;
  return kind;
}

const DESCRIPTIONS: Record<RefusedKind, string> = {
  unspecified: "an unspecified address",
  loopback: "a loopback address",
  "link-local": "a link-local address",
  metadata: "a cloud metadata address",
  private: "a private address",
  shared: "a shared (carrier-grade NAT) address",
  "unique-local": "a unique-local address",
  multicast: "a multicast address",
  benchmarking: "a benchmarking address",
  documentation: "a documentation address",
  reserved: "a reserved address",
};

/** `a loopback address`, for messages. */
export function describeKind(kind: RefusedKind): string {
  return DESCRIPTIONS[kind];
}
