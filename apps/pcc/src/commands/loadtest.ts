import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { QUIET_BUSY_PCT, QUIET_WAIT_SECONDS } from '@xat/contracts';
import { detectCpuLimits } from '../cpus/effective-cpus.ts';
import { realClock } from '../loadtest/clock.ts';
import { acquireLock, loadTestLockFile } from '../loadtest/lock.ts';
import { measureRun } from '../loadtest/measure.ts';
import { readProcStat } from '../loadtest/meters.ts';
import { waitForQuiet } from '../loadtest/quiet.ts';
import type { LoadTestResult, SeriesPlace } from '../loadtest/result.ts';
import { createResultSender, type ResultSender } from '../loadtest/send.ts';
import { seriesText, summarizeSeries } from '../loadtest/series.ts';
import { summaryLine, verdictText } from '../loadtest/verdict.ts';
import { rootReader } from '../specs/read.ts';
import { type CommandContext, CommandError, EXIT } from './context.ts';

function numberFlag(ctx: CommandContext, name: string, fallback: number, min: number, max: number, what: string) {
  const raw = ctx.flags[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new CommandError(`--${name} must be ${what}`);
  return value;
}

/**
 * `pcc loadtest`: CPU work units at 10 … 100 % utilization, each level held --level-seconds, after waiting for the
 * machine to be quiet; --runs N repeats it as one series. Each run is judged, printed and uploaded as it finishes.
 * Exit: 0 valid or suspect, 1 failed (an upload included), 3 a run was invalid, 4 the machine was never quiet.
 */
export async function loadtestCommand(ctx: CommandContext): Promise<number> {
  const levelSeconds = numberFlag(
    ctx,
    'level-seconds',
    10,
    Number.MIN_VALUE,
    3600,
    'a number of seconds between 0 and 3600',
  );
  const runs = numberFlag(ctx, 'runs', 1, 1, 20, 'a whole number of runs from 1 to 20');
  if (!Number.isInteger(runs)) throw new CommandError('--runs must be a whole number of runs from 1 to 20');
  const gapSeconds = numberFlag(ctx, 'run-gap', 10, 0, 3600, 'a number of seconds between 0 and 3600');
  const quietSeconds = numberFlag(
    ctx,
    'quiet-wait',
    QUIET_WAIT_SECONDS,
    0,
    3600,
    'a number of seconds between 0 and 3600',
  );
  const force = ctx.flags.force === true;
  const send = chooseSender(ctx);
  const lock = acquireLock(loadTestLockFile());
  if ('heldBy' in lock)
    throw new CommandError(`another load test is running on this host (pid ${lock.heldBy}); try again when it is done`);

  const files = rootReader('/');
  const limits = detectCpuLimits(files, os.cpus().length);
  const clock = realClock(ctx.signal);
  const seriesId = runs > 1 ? randomUUID() : undefined;
  const results: LoadTestResult[] = [];
  let failed = false;
  let refused = false;
  try {
    for (let index = 0; index < runs; index++) {
      if (index > 0 && gapSeconds > 0) {
        ctx.err(`Idle ${gapSeconds} s before run ${index + 1} of ${runs}.\n`);
        await clock.sleep(gapSeconds * 1000);
      }
      const quiet = await waitForQuiet(() => readProcStat(files), clock, {
        limitPct: QUIET_BUSY_PCT,
        maxMs: quietSeconds * 1000,
        onWait: (busy, left) =>
          ctx.err(
            `Waiting for the machine to be quiet: ${busy.toFixed(0)} % busy, a load test needs under ${QUIET_BUSY_PCT} % (${Math.ceil(left / 1000)} s left)\n`,
          ),
      });
      if (!quiet.quiet && !force) {
        ctx.err(
          `Refused: the machine stayed busy (${quiet.busyPct.toFixed(0)} % at the last look, limit ${QUIET_BUSY_PCT} %) for ${Math.round(quiet.waitedMs / 1000)} s. ` +
            'A load test now would measure what the other work leaves, not this machine. Stop that work and try again, ' +
            'wait longer (--quiet-wait SECONDS), or run anyway with --force (the result is marked forced and suspect).\n',
        );
        refused = true;
        break;
      }
      if (!quiet.quiet) ctx.err(`The machine is ${quiet.busyPct.toFixed(0)} % busy; starting anyway (--force).\n`);
      const series: SeriesPlace | undefined = seriesId ? { id: seriesId, index, count: runs } : undefined;
      if (series) ctx.err(`Run ${index + 1} of ${runs} (series ${series.id})\n`);
      const result = await measureRun(ctx, limits, { levelSeconds, forced: !quiet.quiet, series });
      results.push(result);
      if (send && !(await send(result))) failed = true;
      // The verdict last, in words; with --json on stderr, where the person watching reads it.
      const told = `${series ? `Run ${index + 1} of ${runs}: ` : ''}${summaryLine(result)}${verdictText(result)}`;
      if (ctx.flags.json) ctx.err(told);
      else ctx.out(told);
    }
  } finally {
    lock.release();
  }

  const summary = seriesId ? await summarizeSeries(seriesId, runs, results) : undefined;
  if (ctx.flags.json) {
    if (summary) ctx.out(`${JSON.stringify({ series: summary, runs: results }, null, 2)}\n`);
    else if (results[0]) ctx.out(`${JSON.stringify(results[0], null, 2)}\n`);
  } else if (summary) ctx.out(seriesText(summary));
  if (failed) return EXIT.failed;
  if (refused) return EXIT.notQuiet;
  return results.some((r) => r.validity === 'invalid') ? EXIT.invalid : EXIT.done;
}

function chooseSender(ctx: CommandContext): ResultSender | undefined {
  if (ctx.flags['no-upload']) return undefined;
  const { serverUrl, apiKey } = ctx.settings;
  if (serverUrl && apiKey) return createResultSender(ctx, serverUrl, apiKey);
  ctx.err(
    'Results will not be uploaded: no server configured (--server-url and --api-key, or PCC_SERVER_URL and PCC_APIKEY).\n',
  );
  return undefined;
}
