import type { MetricSample } from '@xat/contracts';
import type { RunStatement } from '../../../db/client.ts';
import { LOCK_STATES, type Part, type SessionStore } from './flush-statement.ts';

// The raw-rounds side of a flush (ingest-queue.ts), inside its transaction: parts chained from their collectors'
// stored rounds and session states.

/**
 * The parts with their raw rounds chained from their collectors' stored rounds, locked first (see LOCK_STATES), and
 * their session states read (locked too) from their session stores; returns the states as the parts left them.
 */
export async function chainParts(
  run: RunStatement,
  parts: readonly Part[],
): Promise<{ parts: Part[]; sessions: Map<SessionStore, Map<string, unknown>> }> {
  const chaining = parts.filter((p) => p.chain);
  const collectors = [...new Set(chaining.map((p) => p.collectorId))];
  const tenants = collectors.map((c) => parts.find((p) => p.collectorId === c)?.tenantId);
  const previous = new Map<string, unknown>();
  for (const row of await run(LOCK_STATES, [tenants, collectors])) previous.set(String(row.c), row.r);
  const sessions = new Map<SessionStore, Map<string, unknown>>();
  for (const p of chaining) {
    const store = p.chain?.sessions;
    if (!store || sessions.has(store)) continue;
    const ids = [...new Set(chaining.filter((q) => q.chain?.sessions === store).map((q) => q.collectorId))];
    sessions.set(store, new Map(await store.read(run, p.tenantId, ids)));
  }
  const ready = parts.map((p) => {
    if (!p.chain) return p;
    const states = p.chain.sessions && sessions.get(p.chain.sessions);
    const chained = p.chain.chain(previous.get(p.collectorId) ?? undefined, states?.get(p.collectorId));
    // A later request of the same collector in this flush chains from this one, as it would in the next flush.
    if (chained.lastRound) previous.set(p.collectorId, chained.lastRound);
    if (states && chained.session !== undefined) states.set(p.collectorId, chained.session);
    return {
      ...p,
      samples: chained.samples,
      rawState: { lastRound: chained.lastRound },
      ...(chained.sessionId ? { sessionId: chained.sessionId } : {}),
    };
  });
  return { parts: ready, sessions };
}

/** The samples of `parts` whose (collector, timestamp) the statement wrote, by collector. */
export function writtenByCollector(parts: readonly Part[], written: ReadonlySet<string>) {
  const out = new Map<string, MetricSample[]>();
  for (const p of parts) {
    const list = out.get(p.collectorId) ?? [];
    for (const s of p.samples) if (written.has(`${p.collectorId}|${s.timestamp}`)) list.push(s);
    out.set(p.collectorId, list);
  }
  return out;
}
