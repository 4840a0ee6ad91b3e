/**
 * The agents' long polls waiting in this process, by collector: no database connection is held while they wait. A
 * job created here wakes its collector's poll at once; one created by another process on the same PostgreSQL too,
 * through its announcement (job-wake.ts), and if that is missed, when the poll looks again (at a staggered job's start
 * time, or at the end of its wait). Bounded per tenant; a second poll of one
 * collector ends the first; closing the server ends them all.
 */

export type WaitEnd = 'woken' | 'timeout' | 'replaced' | 'closed' | 'full';

interface Waiter {
  end(why: WaitEnd): void;
}

export class JobWaiters {
  private readonly byTenant = new Map<string, Map<string, Waiter>>();
  private closed = false;

  constructor(private readonly maxPerTenant: number) {}

  /** Waits up to `ms` for a wake-up of this collector; `signal` (the client went away) ends it early. */
  wait(tenantId: string, collectorId: string, ms: number, signal?: AbortSignal): Promise<WaitEnd> {
    if (this.closed) return Promise.resolve('closed');
    const previous = this.byTenant.get(tenantId)?.get(collectorId);
    if (!previous && this.count(tenantId) >= this.maxPerTenant) return Promise.resolve('full');
    // Ending it may drop the tenant's map (its last waiter): looked up again after.
    previous?.end('replaced');
    let tenant = this.byTenant.get(tenantId);
    if (!tenant) {
      tenant = new Map();
      this.byTenant.set(tenantId, tenant);
    }
    const waiters = tenant;
    return new Promise<WaitEnd>((resolve) => {
      const waiter: Waiter = {
        end: (why) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (waiters.get(collectorId) === waiter) waiters.delete(collectorId);
          if (waiters.size === 0 && this.byTenant.get(tenantId) === waiters) this.byTenant.delete(tenantId);
          resolve(why);
        },
      };
      const onAbort = () => waiter.end('closed');
      const timer = setTimeout(() => waiter.end('timeout'), Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.set(collectorId, waiter);
    });
  }

  /** A job was queued for these collectors: their waiting polls look again now. */
  wake(tenantId: string, collectorIds: Iterable<string>): void {
    const tenant = this.byTenant.get(tenantId);
    if (!tenant) return;
    for (const id of collectorIds) tenant.get(id)?.end('woken');
  }

  /** Polls waiting now (all tenants, or one). */
  count(tenantId?: string): number {
    if (tenantId !== undefined) return this.byTenant.get(tenantId)?.size ?? 0;
    let n = 0;
    for (const tenant of this.byTenant.values()) n += tenant.size;
    return n;
  }

  /** The server is closing: every poll answers now, and new ones do not wait. */
  close(): void {
    this.closed = true;
    for (const tenant of [...this.byTenant.values()]) for (const waiter of [...tenant.values()]) waiter.end('closed');
  }
}
