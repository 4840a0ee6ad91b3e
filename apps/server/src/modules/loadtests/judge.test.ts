import { randomUUID } from 'node:crypto';
import { JUDGE_VERSION, type ValidityReason } from '@xat/contracts';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../test/helpers.ts';
import { loadTestResults } from '../../db/schema.ts';
import { rejudgeLoadTestsForAllTenants } from './rejudge.ts';
import { busyPccRun, linearUnits, pccRun, postRun, URL_BASE as url } from './test-runs.ts';
import { UNIT_COLUMNS } from './units.ts';

type Reason = ValidityReason;
const codes = (reasons: Reason[]) => [...new Set(reasons.map((r) => r.code))].sort();

describe('every stored load test is judged', () => {
  it('judges a run pcc made on a busy machine invalid, naming each reason', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const body = await postRun(t, busyPccRun(c.id));
    expect(body).toMatchObject({ source: 'pcc', validity: 'invalid', series_id: null, effective_cpus: null });
    const reasons = body.validity_reasons as Reason[];
    expect(codes(reasons)).toEqual(['background_load', 'level_shortfall', 'other_load', 'units_not_increasing']);
    expect(reasons).toContainEqual(
      expect.objectContaining({ code: 'background_load', severity: 'invalid', value: 89 }),
    );
    // 70 % asked, 26 % reached: 44 points short, past the 15-point limit.
    expect(reasons).toContainEqual(
      expect.objectContaining({ code: 'level_shortfall', level: 70, severity: 'invalid', value: 44, limit: 15 }),
    );
    // The 100 % level (95) did far fewer units than the 90 % one (204).
    expect(reasons).toContainEqual(
      expect.objectContaining({ code: 'units_not_increasing', level: 100, value: 95, limit: 204 }),
    );
    const stored = await t.request({ method: 'GET', url: `${url}${body.id}/` });
    expect(stored.json()).toEqual(body);
  });

  it('judges a quiet pcc run valid and keeps its series and effective CPUs', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const series = randomUUID();
    const body = await postRun(t, pccRun(c.id, { full: 180, seriesId: series, effectiveCpus: 1.5 }));
    expect(body).toMatchObject({
      source: 'pcc',
      validity: 'valid',
      validity_reasons: [],
      series_id: series,
      effective_cpus: 1.5,
    });
    // A series id in the body wins over the one in the details.
    const other = randomUUID();
    const own = await postRun(t, { ...pccRun(c.id, { full: 180, seriesId: series }), series_id: other });
    expect(own.series_id).toBe(other);
  });

  it('judges an old pcc result on the little it holds', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const old = await postRun(t, { collector: c.id, ...linearUnits(100), details: { tool: 'pcc', level_seconds: 2 } });
    expect(old.source).toBe('pcc');
    expect(old.validity).toBe('suspect');
    expect(codes(old.validity_reasons as Reason[])).toEqual(['level_too_short']);
  });

  it('reads malformed pcc details loosely: what is well-formed counts, the rest is ignored, never a 500', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const odd = await postRun(t, {
      collector: c.id,
      ...linearUnits(100),
      details: {
        tool: 'pcc',
        background_busy: '89',
        forced: 'yes',
        effective_cpus: -2,
        series: { id: 'not-a-uuid' },
        levels: [null, 'x', { utilization: '70' }, { utilization: 70, achieved_utilization: 'lots', steal_pct: 12 }],
      },
    });
    expect(odd).toMatchObject({ source: 'pcc', validity: 'invalid', series_id: null, effective_cpus: null });
    expect(odd.validity_reasons).toEqual([expect.objectContaining({ code: 'steal', level: 70, value: 12, limit: 10 })]);
    const notAList = await postRun(t, { collector: c.id, ...linearUnits(100), details: { tool: 'pcc', levels: 5 } });
    expect(notAList.validity).toBe('valid');
  });

  it('judges an import extrapolated and a typed-in result of unknown conditions', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const content = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
      .map((busy) => JSON.stringify({ siteid: 1, host: 0, busy, units: busy * 2 }))
      .join('\n');
    const imported = await t.request({ method: 'POST', url: `${url}import/`, payload: { collector: c.id, content } });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({ source: 'import', validity: 'suspect' });
    expect(codes(imported.json().validity_reasons)).toEqual(['conditions_unknown', 'extrapolated']);

    const typed = await postRun(t, { collector: c.id, ...linearUnits(100) });
    expect(typed).toMatchObject({ source: 'manual', validity: 'suspect' });
    expect(codes(typed.validity_reasons as Reason[])).toEqual(['conditions_unknown']);
    const empty = await postRun(t, { collector: c.id, notes: 'nothing measured' });
    expect(empty.validity).toBe('invalid');
    expect(codes(empty.validity_reasons as Reason[])).toEqual(['conditions_unknown', 'no_full_load']);
  });

  it('judges again when PATCH or PUT changes the units or the details', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const run = await postRun(t, pccRun(c.id, { full: 200 }));
    expect(run.validity).toBe('valid');
    const patch = (payload: Record<string, unknown>, method: 'PATCH' | 'PUT' = 'PATCH') =>
      t.request({ method, url: `${url}${run.id}/`, payload });

    const dropped = await patch({ units_100pct: 100 });
    expect(dropped.statusCode).toBe(200);
    expect(dropped.json()).toMatchObject({ validity: 'suspect', source: 'pcc' });
    expect(dropped.json().validity_reasons).toEqual([
      expect.objectContaining({ code: 'units_not_increasing', level: 100, value: 100, limit: 180 }),
    ]);
    const busy = await patch({ details: busyPccRun(c.id).details });
    expect(busy.json().validity).toBe('invalid');
    const series = randomUUID();
    const noted = await patch({ notes: 'rerun', series_id: series });
    expect(noted.json()).toMatchObject({ validity: 'invalid', series_id: series, notes: 'rerun' });
    // PUT with the details cleared: now a typed-in result; the series set before stays.
    const put = await patch({ collector: c.id, ...linearUnits(300), details: null }, 'PUT');
    expect(put.json()).toMatchObject({ source: 'manual', validity: 'suspect', series_id: series, details: null });
    const list = await t.request({ method: 'GET', url: `${url}?validity=suspect&series_id=${series}` });
    expect(list.json().results.map((r: { id: string }) => r.id)).toEqual([run.id]);
    expect((await t.request({ method: 'GET', url: `${url}?validity=invalid` })).json().count).toBe(0);
  });

  it('filters the list by series and validity, and names a bad filter or series id in a 400', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const series = randomUUID();
    const a = await postRun(t, pccRun(c.id, { full: 100, seriesId: series }));
    const b = await postRun(t, pccRun(c.id, { full: 110, seriesId: series }));
    const busy = await postRun(t, { ...busyPccRun(c.id), series_id: series });
    await postRun(t, pccRun(c.id, { full: 120 }));
    const ids = async (query: string) =>
      (await t.request({ method: 'GET', url: `${url}${query}`, auth: 'viewer' }))
        .json<{ results: { id: string }[] }>()
        .results.map((r) => r.id);
    expect(await ids(`?series_id=${series}`)).toEqual([busy.id, b.id, a.id]);
    expect(await ids(`?series_id=${series}&validity=valid`)).toEqual([b.id, a.id]);
    expect(await ids('?validity=invalid')).toEqual([busy.id]);
    for (const [query, field] of [
      ['?series_id=abc', 'series_id'],
      ['?validity=great', 'validity'],
    ]) {
      const res = await t.request({ method: 'GET', url: `${url}${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json()), query).toEqual([field]);
    }
    for (const series_id of ['not-a-uuid', 5]) {
      const res = await t.request({ method: 'POST', url, payload: { collector: c.id, series_id } });
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json())).toEqual(['series_id']);
      const patched = await t.request({ method: 'PATCH', url: `${url}${a.id}/`, payload: { series_id } });
      expect(patched.statusCode).toBe(400);
      expect(Object.keys(patched.json())).toEqual(['series_id']);
    }
  });

  it('lets an agent add runs to its own series only', async () => {
    const t = await createTestTenant();
    const mine = await createCollector(t);
    const other = await createCollector(t);
    const theirs = randomUUID();
    await postRun(t, pccRun(other.id, { full: 100, seriesId: theirs }));
    const post = (body: Record<string, unknown>) =>
      t.request({ method: 'POST', url, auth: false, headers: { 'x-api-key': mine.api_key }, payload: body });
    const joined = await post({ ...pccRun(mine.id, { full: 100 }), series_id: theirs });
    expect(joined.statusCode).toBe(400);
    expect(Object.keys(joined.json())).toEqual(['series_id']);
    const inDetails = await post(pccRun(mine.id, { full: 100, seriesId: theirs }));
    expect(inDetails.statusCode).toBe(400);
    expect(Object.keys(inDetails.json())).toEqual(['details']);
    const ownSeries = randomUUID();
    for (const full of [100, 104]) {
      const res = await post(pccRun(mine.id, { full, seriesId: ownSeries }));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ series_id: ownSeries, validity: 'valid' });
    }
  });
});

describe('re-judging at start', () => {
  it('judges again rows stored with older rules, in batches, and leaves current ones alone', async () => {
    const { database } = await getApp();
    const t = await createTestTenant();
    const c = await createCollector(t);
    const series = randomUUID();
    // Rows as migration 0004 left them: judge_version 0 and the column defaults.
    const old = await database.db
      .insert(loadTestResults)
      .values([
        {
          tenantId: t.id,
          collectorId: c.id,
          units100pct: 95,
          units90pct: 204,
          details: { ...busyPccRun(c.id).details, effective_cpus: 0.5 },
          source: 'pcc',
        },
        {
          tenantId: t.id,
          collectorId: c.id,
          ...Object.fromEntries(UNIT_COLUMNS.map((column, i) => [column, (i + 1) * 10])),
          details: pccRun(c.id, { full: 100, seriesId: series }).details,
        },
        { tenantId: t.id, collectorId: c.id, units100pct: 50, details: { source: 'perfcpumeasure' } },
      ])
      .returning({ id: loadTestResults.id });
    const current = await postRun(t, pccRun(c.id, { full: 100 }));
    // A current verdict the re-judging must not touch, even if the row says otherwise.
    await database.db
      .update(loadTestResults)
      .set({ validity: 'invalid' })
      .where(and(eq(loadTestResults.tenantId, t.id), eq(loadTestResults.id, current.id)));

    expect(await rejudgeLoadTestsForAllTenants(database.db, 2)).toBeGreaterThanOrEqual(3);
    const get = async (id: string) => (await t.request({ method: 'GET', url: `${url}${id}/` })).json();
    const [busy, quiet, imported] = await Promise.all(old.map((r) => get(r.id)));
    expect(busy).toMatchObject({ source: 'pcc', validity: 'invalid', effective_cpus: 0.5 });
    expect(codes(busy.validity_reasons)).toContain('background_load');
    expect(quiet).toMatchObject({ source: 'pcc', validity: 'valid', validity_reasons: [], series_id: series });
    expect(imported).toMatchObject({ source: 'import', validity: 'suspect' });
    expect(codes(imported.validity_reasons)).toEqual(['conditions_unknown', 'extrapolated']);
    expect((await get(current.id)).validity).toBe('invalid');
    const versions = await database.db
      .select({ v: loadTestResults.judgeVersion })
      .from(loadTestResults)
      .where(eq(loadTestResults.tenantId, t.id));
    expect(versions.map((r) => r.v)).toEqual([JUDGE_VERSION, JUDGE_VERSION, JUDGE_VERSION, JUDGE_VERSION]);
  });
});
