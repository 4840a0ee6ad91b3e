import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStat } from '@xat/procfs';
import { HttpClient } from '../http.ts';
import { type Clock, runLoadTest } from '../loadtest/controller.ts';
import { acquireLock } from '../loadtest/lock.ts';
import { WorkerPool } from '../loadtest/pool.ts';
import { createProgress } from '../loadtest/progress.ts';
import { type LoadTestResult, steadinessWarning, toResult } from '../loadtest/result.ts';
import { LOADTEST_PATH, toLoadTestCreate } from '../loadtest/upload.ts';
import { rememberRegistration, sendRegistration } from '../register.ts';
import { detectSpecs } from '../specs/specs.ts';
import { readState } from '../state.ts';
import { VERSION } from '../version.ts';
import { type CommandContext, CommandError, reasonOf } from './context.ts';

export const LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] as const;
/** Host-wide, whatever the data dir: two load tests on one host would each measure half a machine. */
export const lockFile = () => join(tmpdir(), 'pcc-loadtest.lock');

/** `pcc loadtest`: CPU work units at 10 … 100 % utilization, each level held --level-seconds; uploads the result. */
export async function loadtestCommand(ctx: CommandContext): Promise<number> {
  const levelSeconds = ctx.flags['level-seconds'] === undefined ? 10 : Number(ctx.flags['level-seconds']);
  if (!Number.isFinite(levelSeconds) || levelSeconds <= 0 || levelSeconds > 3600)
    throw new CommandError('--level-seconds must be a number of seconds between 0 and 3600');
  const lock = acquireLock(lockFile());
  if ('heldBy' in lock)
    throw new CommandError(`another load test is running on this host (pid ${lock.heldBy}); try again when it is done`);

  let result: LoadTestResult;
  try {
    const vcpus = os.cpus().length;
    const startedAt = new Date();
    const progress = createProgress(ctx.err, ctx.isTTY, LEVELS.length);
    const pool = await WorkerPool.start(vcpus);
    try {
      const run = await runLoadTest(
        pool,
        realClock(ctx.signal),
        { machine: readProcStat, own: () => pool.cpuMs() },
        {
          levels: LEVELS,
          levelSeconds,
          onProgress: progress.update,
          onLevel: progress.level,
        },
      );
      result = toResult(run, { vcpus, levelSeconds, version: VERSION, hostname: os.hostname(), startedAt });
    } finally {
      await pool.stop();
    }
  } finally {
    lock.release();
  }

  if (ctx.flags.json) ctx.out(`${JSON.stringify(result, null, 2)}\n`);
  else
    ctx.out(
      `${result.vcpus} vCPUs, ${result.max_units} units/s at 100 % (${result.calibration_units_per_vcpu} per vCPU flat out)${
        result.speed_change_pct === undefined
          ? ''
          : `; flat-out speed at the end ${result.speed_change_pct >= 0 ? '+' : ''}${result.speed_change_pct} % against the start`
      }\n`,
    );
  const warning = steadinessWarning(result);
  if (warning) ctx.err(`${warning}\n`);
  if (ctx.flags['no-upload']) return 0;
  const { serverUrl, apiKey } = ctx.settings;
  if (!serverUrl || !apiKey) {
    ctx.err('Not uploaded: no server configured (--server-url and --api-key, or PCC_SERVER_URL and PCC_APIKEY).\n');
    return 0;
  }
  return uploadResult(ctx, serverUrl, apiKey, result);
}

async function uploadResult(ctx: CommandContext, baseUrl: string, apiKey: string, result: LoadTestResult) {
  const client = new HttpClient({ baseUrl, apiKey, timeoutMs: 30_000 });
  try {
    let collector = readState(ctx.settings.dataDir).collector_id;
    if (!collector) {
      // Never registered from this data dir: registering tells us which collector the key belongs to.
      const specs = detectSpecs();
      const registered = await sendRegistration(client, specs);
      if (!registered.ok) return saveAndFail(ctx, result, `registration failed: ${registered.reason}`);
      collector = registered.collectorId;
      try {
        rememberRegistration(ctx.settings.dataDir, specs, registered);
      } catch {
        // the data dir may not be writable for this user; the upload does not need it
      }
    }
    const notes = typeof ctx.flags.notes === 'string' ? ctx.flags.notes : undefined;
    const res = await client.json('POST', LOADTEST_PATH, toLoadTestCreate(collector, result, notes));
    if (res.status !== 201 && res.status !== 200)
      return saveAndFail(ctx, result, `upload refused: ${reasonOf(res.status, res.data, res.body)}`);
    const id = (res.data as { id?: string } | undefined)?.id;
    ctx.err(`Uploaded to ${baseUrl}${LOADTEST_PATH}${id ? ` (load test ${id})` : ''}\n`);
    return 0;
  } catch (err) {
    return saveAndFail(ctx, result, `upload failed: ${(err as Error).message}`);
  } finally {
    client.close();
  }
}

/** The measurement took minutes: an upload that fails must not lose it. */
function saveAndFail(ctx: CommandContext, result: LoadTestResult, why: string): number {
  const name = `loadtest-${result.started_at.replace(/[:.]/g, '-')}.json`;
  for (const dir of [ctx.settings.dataDir, tmpdir()]) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), `${JSON.stringify(result, null, 2)}\n`);
      ctx.err(`${why}\nThe result is saved in ${join(dir, name)}.\n`);
      return 1;
    } catch {
      // try the next place
    }
  }
  ctx.err(`${why}\n`);
  return 1;
}

function readProcStat() {
  const stat = parseStat(readFileSync('/proc/stat', 'utf8'));
  if (!stat) throw new CommandError('/proc/stat has no cpu line: cannot measure utilization');
  return stat.total;
}

function realClock(signal: AbortSignal): Clock {
  return {
    now: () => performance.now(),
    sleep: (ms) =>
      new Promise((resolve, reject) => {
        if (signal.aborted) return reject(new CommandError('load test interrupted'));
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', stop);
          resolve();
        }, ms);
        function stop() {
          clearTimeout(timer);
          reject(new CommandError('load test interrupted'));
        }
        signal.addEventListener('abort', stop, { once: true });
      }),
  };
}
