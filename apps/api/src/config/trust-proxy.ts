import proxyAddr from 'proxy-addr';

/** The TRUST_PROXY setting as Express takes it, and the same rule as a function for sockets. */
export interface TrustProxy {
  setting: number | string | false;
  trusted: (address: string, hop: number) => boolean;
}

/**
 * TRUST_PROXY: `none` (believe no X-Forwarded-For), a hop count (`1`: the nearest proxy, whatever its
 * address), or comma-separated addresses, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`.
 * Unset: `loopback`, so a proxy on the same machine works as it is and no one else can claim an
 * address. Returns the problem in words when the value is invalid.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy | string {
  const value = raw?.trim() || 'loopback';
  if (value === 'none' || value === 'false') return { setting: false, trusted: () => false };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 10) return 'TRUST_PROXY as a hop count must be from 1 to 10';
    return { setting: hops, trusted: (_address, hop) => hop < hops };
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    return { setting: entries.join(','), trusted: proxyAddr.compile(entries) };
  } catch (error) {
    return `TRUST_PROXY must be none, a hop count, or addresses/CIDRs/loopback/linklocal/uniquelocal (${(error as Error).message})`;
  }
}

/** The client's address behind the trusted proxies, as Express's `request.ip` computes it. */
export function clientAddress(
  request: { socket: { remoteAddress?: string }; headers: Record<string, unknown> },
  trust: TrustProxy,
): string | null {
  if (!request.socket.remoteAddress) return null;
  return proxyAddr(request as Parameters<typeof proxyAddr>[0], trust.trusted);
}
