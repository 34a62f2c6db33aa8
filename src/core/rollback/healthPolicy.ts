// How a rollback's health check is polled: the window (`incidentDesk.rollback.health`, normalised
// here for the wizard) and where from. A URL that names a public address is polled from here
// (this machine); one on the host's loopback, a private network or an internal name is polled from
// the host over SSH, where it answers. Pure.

export interface HealthPolicy {
  readonly consecutive: number;
  readonly windowSeconds: number;
  readonly intervalSeconds: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = { consecutive: 3, windowSeconds: 300, intervalSeconds: 5 };

function intIn(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

/** `incidentDesk.rollback.health`: each field checked on its own; the default where unset or invalid. */
export function normalizeHealthPolicy(value: unknown): HealthPolicy {
  const o = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const d = DEFAULT_HEALTH_POLICY;
  return {
    consecutive: intIn(o.consecutive, 1, 100, d.consecutive),
    windowSeconds: intIn(o.windowSeconds, 1, 3600, d.windowSeconds),
    intervalSeconds: intIn(o.intervalSeconds, 1, 600, d.intervalSeconds),
  };
}

function ipv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function privateV4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168) || (a === 100 && b! >= 64 && b! <= 127) || a! >= 224;
}

/**
 * Whether `url` names a public address: not loopback, not a private, link-local, CGNAT or
 * multicast address, not `localhost`, not a single-label or `.local`/`.internal`/`.lan`/`.home`
 * name (those resolve only inside a network). A URL that does not parse is not public.
 */
export function isPublicUrl(url: string): boolean {
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    host = u.hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) {
    const v6 = host.slice(1, -1);
    if (v6 === '::1' || v6 === '::') return false;
    if (/^(fc|fd|fe8|fe9|fea|feb|ff)/.test(v6)) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
    if (mapped) return !privateV4(ipv4(mapped[1]!)!);
    // WHATWG URL writes an IPv4-mapped address in hex (::ffff:a00:1).
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
    if (hex) {
      const hi = parseInt(hex[1]!, 16);
      return !privateV4([hi >> 8, hi & 255]);
    }
    return true;
  }
  const v4 = ipv4(host);
  if (v4) return !privateV4(v4);
  const name = host.replace(/\.$/, '');
  if (!name.includes('.')) return false;
  return !/(^|\.)(localhost|local|internal|lan|home|localdomain|intranet|corp)$/.test(name);
}
