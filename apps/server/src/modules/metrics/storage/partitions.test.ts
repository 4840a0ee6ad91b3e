import { describe, expect, it } from 'vitest';
import { getApp } from '../../../../test/helpers.ts';
import { maintainPartitions } from './maintenance.ts';
import { dropPartitions, ensurePartitions, expiredPartitions, listPartitions, periodStart } from './partitions.ts';

const DAY = 86_400;

describe('metric partitions', () => {
  it('are created ahead for every table and dropped whole once past the longest retention', async () => {
    const { database } = await getApp();
    const db = database.db;
    const now = Date.UTC(2031, 0, 15, 12) / 1000; // far from other tests' data
    // Creating ahead only: the drop step is exercised below on this test's own (year 2030-31) partitions, because
    // other test files share the database and their data must not vanish under them.
    await ensurePartitions(db, 'metric_samples', [now, now + DAY, now + 2 * DAY, now + 5 * DAY]);
    await ensurePartitions(db, 'metric_rollup_1h', [now, now + 31 * DAY]);
    const raw = (await listPartitions(db, 'metric_samples')).map((p) => p.name);
    expect(raw).toEqual(
      expect.arrayContaining(['metric_samples_p20310115', 'metric_samples_p20310116', 'metric_samples_p20310117']),
    );
    expect((await listPartitions(db, 'metric_rollup_1h')).map((p) => p.name)).toEqual(
      expect.arrayContaining(['metric_rollup_1h_p203101', 'metric_rollup_1h_p203102']),
    );
    // Late data 20 days back gets its own partition on demand…
    await ensurePartitions(db, 'metric_samples', [now - 20 * DAY]);
    await ensurePartitions(db, 'metric_cpus', [now - 20 * DAY]);
    expect((await listPartitions(db, 'metric_samples')).map((p) => p.name)).toContain('metric_samples_p20301226');
    // …and 10 days later, with the default retention (raw 7 days), it is expired while recent ones are not.
    const ours = (await expiredPartitions(db, now + 10 * DAY, { raw: 7, '1m': 90, '1h': 730 })).filter((n) =>
      /_p203[01]/.test(n),
    );
    expect(ours).toContain('metric_samples_p20301226');
    expect(ours).toContain('metric_samples_p20310117');
    expect(ours).not.toContain('metric_samples_p20310120');
    expect(ours.some((n) => n.startsWith('metric_rollup_1h'))).toBe(false);
    // Device partitions are dropped before host partitions: a device row never outlives its host row.
    expect(ours.some((n) => n.startsWith('metric_cpus_'))).toBe(true);
    const firstHost = ours.findIndex((n) => n.startsWith('metric_samples_'));
    expect(ours.slice(firstHost).every((n) => n.startsWith('metric_samples_'))).toBe(true);
    await dropPartitions(db, ours);
    const left = (await listPartitions(db, 'metric_samples')).map((p) => p.name);
    expect(left).not.toContain('metric_samples_p20301226');
    expect(left).toContain('metric_samples_p20310120');
  });

  it('maintenance creates today’s partitions for every table', async () => {
    const { database } = await getApp();
    await maintainPartitions(database.db);
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    for (const table of ['metric_samples', 'metric_cpus', 'metric_disks', 'metric_net', 'metric_fs'] as const)
      expect((await listPartitions(database.db, table)).map((p) => p.name)).toContain(`${table}_p${today}`);
  });

  it('puts a timestamp in the right day and month', () => {
    const ts = Date.UTC(2026, 1, 28, 23, 59, 59) / 1000;
    expect(periodStart(ts, 'day')).toBe(Date.UTC(2026, 1, 28) / 1000);
    expect(periodStart(ts, 'month')).toBe(Date.UTC(2026, 1, 1) / 1000);
  });
});
