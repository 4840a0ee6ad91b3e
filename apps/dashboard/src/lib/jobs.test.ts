import type { Job } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import {
  anyActive,
  elapsedSeconds,
  emptyRunForm,
  jobLine,
  jobSupport,
  NO_JOBS_REASON,
  progressPct,
  stepText,
  toJobCreate,
} from './jobs.ts';

const NOW = Date.parse('2026-12-04T12:00:00Z');

const job = (over: Partial<Job> = {}): Job => ({
  id: 'j1',
  group_id: 'g1',
  collector: 'c1',
  collector_name: 'web-01',
  profile: 'quick',
  benchmarks: ['core_scaling'],
  runs: 3,
  force: false,
  status: 'queued',
  progress: null,
  error: null,
  error_code: null,
  result_id: null,
  not_before: '2026-12-04T12:00:00Z',
  timeout_seconds: 600,
  created_at: '2026-12-04T12:00:00Z',
  started_at: null,
  finished_at: null,
  created_by: 'ada',
  ...over,
});

describe('which servers can take a job', () => {
  it('disables an agent that never asked for a job, with the reason', () => {
    expect(jobSupport({ jobs_polled_at: null }, NOW)).toEqual({ ok: false, reason: NO_JOBS_REASON });
  });
  it('offers one that polled lately, and warns when it has been quiet past the stale limit', () => {
    expect(jobSupport({ jobs_polled_at: '2026-12-04T11:59:30Z' }, NOW)).toEqual({ ok: true });
    const stale = jobSupport({ jobs_polled_at: '2026-12-04T11:50:00Z' }, NOW);
    expect(stale.ok).toBe(true);
    expect(stale.warning).toContain('10 min ago');
  });
});

describe('a job in words', () => {
  it('says step k of n and the share done', () => {
    const running = job({
      status: 'running',
      progress: { step: 3, steps: 12, elapsed_seconds: 40, message: 'memory: copy, 1 thread' },
    });
    expect(stepText(running)).toBe('step 3 of 12');
    expect(progressPct(running)).toBe(25);
    expect(stepText(job())).toBeUndefined();
    // The agent's last report may be before its last steps: a success has done them all.
    expect(stepText({ ...running, status: 'succeeded' })).toBe('step 12 of 12');
    expect(progressPct(job({ status: 'succeeded' }))).toBe(100);
  });
  it('counts elapsed time to now while running and to the end once finished', () => {
    expect(elapsedSeconds(job(), NOW)).toBeUndefined();
    expect(elapsedSeconds(job({ started_at: '2026-12-04T11:58:00Z' }), NOW)).toBe(120);
    expect(elapsedSeconds(job({ started_at: '2026-12-04T11:50:00Z', finished_at: '2026-12-04T11:51:30Z' }), NOW)).toBe(
      90,
    );
    // Never less than the agent last reported (its clock counted from when it began).
    const reported = { step: 2, steps: 4, elapsed_seconds: 150, message: '' };
    expect(elapsedSeconds(job({ started_at: '2026-12-04T11:58:00Z', progress: reported }), NOW)).toBe(150);
  });
  it("shows the agent's words while running, its reason when it failed, and a staggered start's wait", () => {
    expect(
      jobLine(
        job({ status: 'running', progress: { step: 1, steps: 4, elapsed_seconds: 1, message: 'disk: seq write' } }),
        NOW,
      ),
    ).toBe('disk: seq write');
    expect(jobLine(job({ status: 'failed', error: 'The machine is not quiet: 35 % busy.' }), NOW)).toBe(
      'The machine is not quiet: 35 % busy.',
    );
    expect(jobLine(job({ not_before: '2026-12-04T12:10:00Z' }), NOW)).toBe('starts in 10 min');
    expect(jobLine(job(), NOW)).toBe('waiting for the agent to pick it up');
    expect(jobLine(job({ status: 'timed_out' }), NOW)).toBe('timed out');
  });
  it('is active while any job is queued or running', () => {
    expect(anyActive([job({ status: 'succeeded' }), job({ status: 'running' })])).toBe(true);
    expect(anyActive([job({ status: 'succeeded' }), job({ status: 'cancelled' })])).toBe(false);
  });
});

describe('the Run benchmark form', () => {
  it('sends only what was chosen: the profile alone by default', () => {
    expect(toJobCreate(['a', 'b'], emptyRunForm())).toEqual({ body: { collector_ids: ['a', 'b'], profile: 'quick' } });
  });
  it('adds benchmarks in suite order, repeats, the stagger in seconds and the disk directory', () => {
    const form = {
      ...emptyRunForm('standard'),
      benchmarks: ['disk', 'memory'] as const,
      runs: '5',
      when: 'staggered' as const,
      staggerMinutes: '2.5',
      diskDir: ' /var/tmp ',
    };
    expect(toJobCreate(['a'], { ...form, benchmarks: [...form.benchmarks] })).toEqual({
      body: {
        collector_ids: ['a'],
        profile: 'standard',
        benchmarks: ['memory', 'disk'],
        runs: 5,
        stagger_seconds: 150,
        disk_dir: '/var/tmp',
      },
    });
    expect(toJobCreate(['a'], { ...emptyRunForm(), force: true })).toEqual({
      body: { collector_ids: ['a'], profile: 'quick', force: true },
    });
  });
  it('names every bad field', () => {
    const result = toJobCreate([], {
      ...emptyRunForm(''),
      runs: '11',
      when: 'staggered',
      staggerMinutes: 'soon',
      diskDir: 'tmp',
    });
    expect(result).toEqual({
      errors: {
        servers: expect.any(String),
        profile: expect.any(String),
        runs: expect.any(String),
        stagger: expect.any(String),
        disk_dir: expect.any(String),
      },
    });
  });
});
