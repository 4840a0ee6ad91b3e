/**
 * Turns for work too heavy in memory to run many at once (reading a large uploaded file into samples): at most
 * `limit` at once in the process and `perKey` for one key (a tenant). The others wait, first come first served among
 * those whose key may go, so one tenant's many uploads never keep another's waiting longer than a turn; past
 * `maxWaiting` waiting, `run` refuses with `full` at once. In memory, per process, like the memory it bounds.
 */
export class TurnQueue {
  private running = 0;
  private readonly byKey = new Map<string, number>();
  private readonly waiting: { key: string; start: () => void }[] = [];

  constructor(
    readonly limit: number,
    readonly perKey: number,
    readonly maxWaiting: number,
  ) {}

  /** Work running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Runs `work` in its turn; `full()` is thrown instead when too many are waiting already. */
  async run<T>(key: string, work: () => Promise<T>, full: () => Error): Promise<T> {
    if (this.allowed(key)) this.take(key);
    else if (this.waiting.length >= this.maxWaiting) throw full();
    else await new Promise<void>((start) => this.waiting.push({ key, start }));
    try {
      return await work();
    } finally {
      this.done(key);
    }
  }

  private allowed(key: string): boolean {
    return this.running < this.limit && (this.byKey.get(key) ?? 0) < this.perKey;
  }

  private take(key: string): void {
    this.running++;
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
  }

  private done(key: string): void {
    this.running--;
    const left = (this.byKey.get(key) ?? 1) - 1;
    if (left > 0) this.byKey.set(key, left);
    else this.byKey.delete(key);
    for (let i = 0; i < this.waiting.length && this.running < this.limit; ) {
      const next = this.waiting[i];
      if (next && this.allowed(next.key)) {
        this.waiting.splice(i, 1);
        this.take(next.key);
        next.start();
      } else i++;
    }
  }
}
