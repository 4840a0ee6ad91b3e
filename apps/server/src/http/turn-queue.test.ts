import { describe, expect, it } from 'vitest';
import { TurnQueue } from './turn-queue.ts';

/** Work that ends when told to, recording when it started. */
function gate(log: string[], name: string) {
  let open: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    work: async () => {
      log.push(name);
      await done;
      return name;
    },
    open: () => open(),
  };
}

const tick = () => new Promise((r) => setImmediate(r));
const full = () => new Error('full');

describe('turns for heavy work', () => {
  it('runs at most the limit at once and one key’s share, the waiting in order among those allowed', async () => {
    const q = new TurnQueue(2, 1, 10);
    const log: string[] = [];
    const a1 = gate(log, 'a1');
    const a2 = gate(log, 'a2');
    const a3 = gate(log, 'a3');
    const b1 = gate(log, 'b1');
    const c1 = gate(log, 'c1');
    const runs = [
      q.run('a', a1.work, full),
      q.run('a', a2.work, full),
      q.run('a', a3.work, full),
      q.run('b', b1.work, full),
      q.run('c', c1.work, full),
    ];
    await tick();
    // Tenant a's second and third wait for a's first; b goes beside it; c waits for a free turn.
    expect(log).toEqual(['a1', 'b1']);
    expect(q.inFlight).toBe(2);
    a1.open();
    await tick();
    // a's turn is free, but a2 is a's: the first allowed is a2 (a has none running now).
    expect(log).toEqual(['a1', 'b1', 'a2']);
    b1.open();
    await tick();
    expect(log).toEqual(['a1', 'b1', 'a2', 'c1']);
    a2.open();
    c1.open();
    await tick();
    expect(log).toEqual(['a1', 'b1', 'a2', 'c1', 'a3']);
    a3.open();
    expect(await Promise.all(runs)).toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
    expect(q.inFlight).toBe(0);
  });

  it('refuses at once past the waiting bound, and frees a turn whatever the work did', async () => {
    const q = new TurnQueue(1, 1, 1);
    const log: string[] = [];
    const first = gate(log, 'first');
    const running = q.run('a', first.work, full);
    const waiting = q.run('b', async () => 'second', full);
    await expect(q.run('c', async () => 'third', full)).rejects.toThrow('full');
    first.open();
    expect(await running).toBe('first');
    expect(await waiting).toBe('second');
    await expect(
      q.run(
        'a',
        async () => {
          throw new Error('broke');
        },
        full,
      ),
    ).rejects.toThrow('broke');
    expect(await q.run('a', async () => 'after', full)).toBe('after');
    expect(q.inFlight).toBe(0);
  });
});
