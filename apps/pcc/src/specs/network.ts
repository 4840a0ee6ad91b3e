import type { NetworkInterfaceInfo } from 'node:os';

/**
 * The host's primary address: the IPv4 address of the interface that holds the default route (/proc/net/route),
 * else the first non-internal IPv4, else the first non-internal, non-link-local IPv6; null when there is none.
 */
export function primaryAddress(
  routeTable: string | undefined,
  interfaces: Record<string, NetworkInterfaceInfo[] | undefined>,
): string | null {
  const external = (name: string) => (interfaces[name] ?? []).filter((a) => !a.internal);
  const defaultIface = routeTable
    ?.split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .find((cols) => cols[1] === '00000000' && cols[7] === '00000000')?.[0];
  const fromDefault = defaultIface ? external(defaultIface).find((a) => a.family === 'IPv4') : undefined;
  if (fromDefault) return fromDefault.address;
  const all = Object.keys(interfaces).flatMap(external);
  return (
    all.find((a) => a.family === 'IPv4')?.address ??
    all.find((a) => a.family === 'IPv6' && !a.address.toLowerCase().startsWith('fe80'))?.address ??
    null
  );
}
