import ipaddr from 'ipaddr.js';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { throttled } from './errors.ts';
import type { LimitStore, Rate } from './limit-store.ts';

export interface Attempt {
  /** The attempt succeeded: it no longer counts. Idempotent. */
  release(): Promise<void>;
}

export interface AttemptLimiter<Scope extends string> {
  /**
   * Counts one attempt under each scope's key before the slow check it guards (argon2); throws 429 with Retry-After
   * once any scope is full. Counting first is atomic in the store, so concurrent guesses cannot slip past together.
   */
  reserve(keys: Record<Scope, string>): Promise<Attempt>;
}

/**
 * Failed attempts limited in several scopes at once (e.g. per IP and username, per IP, per tenant), in a store every
 * server process shares. Only failures count: the caller releases the attempt when it succeeds.
 */
export function createAttemptLimiter<Scope extends string>(
  store: LimitStore,
  name: string,
  rates: Record<Scope, Rate>,
): AttemptLimiter<Scope> {
  const scopes = (Object.entries(rates) as [Scope, Rate][]).map(([scope, rate]) => ({
    scope,
    limiter: store.limiter(`${name}:${scope}`, rate),
  }));
  const giveBack = (keys: Record<Scope, string>, which: readonly boolean[]) =>
    Promise.all(scopes.map((s, i) => (which[i] ? s.limiter.reward(keys[s.scope]) : undefined)));

  return {
    async reserve(keys) {
      const results = await Promise.allSettled(scopes.map((s) => s.limiter.consume(keys[s.scope])));
      const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (refusals.length > 0) {
        // Refused before the check, so not an attempt: the scopes that had room get their point back.
        await giveBack(
          keys,
          results.map((r) => r.status === 'fulfilled'),
        );
        const full = refusals.filter((r): r is RateLimiterRes => r instanceof RateLimiterRes);
        if (full.length < refusals.length) throw refusals.find((r) => !(r instanceof RateLimiterRes));
        const seconds = Math.max(1, Math.ceil(Math.max(...full.map((r) => r.msBeforeNext)) / 1000));
        throw throttled(seconds, `Too many attempts. Try again in ${seconds} s.`);
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await giveBack(
            keys,
            scopes.map(() => true),
          );
        },
      };
    },
  };
}

/**
 * The address a limit counts a client under: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64, so
 * counting single addresses would let it rotate through billions).
 */
export function clientNetwork(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const addr = ipaddr.process(ip);
  return addr.kind() === 'ipv6'
    ? `${ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/64`).toString()}/64`
    : addr.toString();
}
