import { describe, expect, it } from 'vitest';
import { createSlotLimiter, onePerApp } from './slot-limiter.ts';

describe('createSlotLimiter', () => {
  it('gives at most `limit` slots, and one again once one is released', () => {
    const limiter = createSlotLimiter(2, {});
    const a = limiter.tryAcquire();
    const b = limiter.tryAcquire();
    expect(a && b).toBeTruthy();
    expect(limiter.tryAcquire()).toBeUndefined();
    expect(limiter.inFlight).toBe(2);
    a?.();
    a?.(); // releasing twice gives back one slot
    expect(limiter.inFlight).toBe(1);
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });

  it('caps each key of each scope on its own, and a refusal takes nothing', () => {
    const limiter = createSlotLimiter(10, { tenantId: 3, collectorId: 2 });
    const one = { tenantId: 't1', collectorId: 'c1' };
    const held = [limiter.tryAcquire(one), limiter.tryAcquire(one)];
    expect(limiter.tryAcquire(one)).toBeUndefined(); // the collector's cap
    const third = limiter.tryAcquire({ tenantId: 't1', collectorId: 'c2' });
    expect(third).toBeTypeOf('function');
    expect(limiter.tryAcquire({ tenantId: 't1', collectorId: 'c3' })).toBeUndefined(); // the tenant's cap
    expect(limiter.tryAcquire({ tenantId: 't2', collectorId: 'c1' })).toBeUndefined(); // c1 is still full
    expect(limiter.tryAcquire({ tenantId: 't2', collectorId: 'c4' })).toBeTypeOf('function'); // other keys are free
    expect(limiter.inFlight).toBe(4);
    held[0]?.();
    expect(limiter.tryAcquire(one)).toBeTypeOf('function');
  });

  it('counts unkeyed slots against the process only', () => {
    const limiter = createSlotLimiter(3, { tenantId: 1 });
    expect(limiter.tryAcquire({ tenantId: 't' })).toBeTypeOf('function');
    expect(limiter.tryAcquire()).toBeTypeOf('function');
    expect(limiter.tryAcquire({ tenantId: 't' })).toBeUndefined();
    expect(limiter.tryAcquire()).toBeTypeOf('function');
    expect(limiter.tryAcquire()).toBeUndefined();
  });
});

describe('onePerApp', () => {
  it('makes one per app, at first use', () => {
    let made = 0;
    const of = onePerApp(() => ({ n: ++made }));
    const app = {};
    expect(of(app)).toBe(of(app));
    expect(of({})).not.toBe(of(app));
    expect(made).toBe(2);
  });
});
