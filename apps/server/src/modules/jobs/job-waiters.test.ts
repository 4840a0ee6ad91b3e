import { describe, expect, it } from 'vitest';
import { JobWaiters } from './job-waiters.ts';

const T = '11111111-1111-4111-8111-111111111111';

describe('JobWaiters', () => {
  it('wakes the collector named, bounds a tenant, lets a newer poll of one collector end the older', async () => {
    const waiters = new JobWaiters(2);
    const a = waiters.wait(T, 'a', 10_000);
    const b = waiters.wait(T, 'b', 10_000);
    expect(await waiters.wait(T, 'c', 10_000)).toBe('full');
    // Another tenant has its own bound.
    const other = waiters.wait('other', 'c', 10_000);
    waiters.wake(T, ['b', 'nobody']);
    expect(await b).toBe('woken');
    const a2 = waiters.wait(T, 'a', 10_000);
    expect(await a).toBe('replaced');
    expect(waiters.count(T)).toBe(1);
    waiters.wake(T, ['a']);
    expect(await a2).toBe('woken');
    expect(waiters.count()).toBe(1);
    waiters.close();
    expect(await other).toBe('closed');
    expect(await waiters.wait(T, 'a', 10_000)).toBe('closed');
    expect(waiters.count()).toBe(0);
  });

  it('ends at its time, or when its client goes away', async () => {
    const waiters = new JobWaiters(10);
    expect(await waiters.wait(T, 'a', 20)).toBe('timeout');
    const gone = new AbortController();
    const waiting = waiters.wait(T, 'a', 10_000, gone.signal);
    gone.abort();
    expect(await waiting).toBe('closed');
    expect(waiters.count()).toBe(0);
  });
});
