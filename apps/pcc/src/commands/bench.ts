/**
 * `pcc bench [profile or benchmark …]`: the benchmark suite from a shell — the same runSuite the daemon runs for a
 * job. Progress on stderr, a table on stdout (or --json, the result as the server stores it); then, with a server
 * configured and unless --no-upload, the result is uploaded as a benchmark run (kept in a file when it cannot be).
 * Exit: 0 valid or suspect, 1 failed (nothing could run, another test holds the lock, interrupted, the upload failed),
 * 2 usage, 3 judged invalid, 4 the machine never became quiet; 1 wins over 3, as in `pcc loadtest`.
 */
import { QUIET_WAIT_SECONDS } from '@xat/contracts';
import type { DiskEngine } from '../bench/disk.ts';
import { planOf } from '../bench/plan.ts';
import { createProgressBar } from '../bench/progress-bar.ts';
import { CancelledError, LockedError, MachineBusyError, runSuite } from '../bench/suite.ts';
import { suiteText } from '../bench/text.ts';
import { uploadSuiteResult } from '../bench/upload-run.ts';
import { type CommandContext, CommandError, EXIT } from './context.ts';

function numberFlag(ctx: CommandContext, name: string, fallback: number, min: number, max: number, what: string) {
  const raw = ctx.flags[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new CommandError(`--${name} must be ${what}`);
  return value;
}

const ENGINES: readonly DiskEngine[] = ['auto', 'fio', 'builtin'];

export async function benchCommand(ctx: CommandContext): Promise<number> {
  let plan: ReturnType<typeof planOf>;
  try {
    plan = planOf(ctx.positionals);
  } catch (err) {
    ctx.err(`pcc bench: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const runs = numberFlag(ctx, 'runs', plan.runs, 1, 10, 'a whole number of repeats from 1 to 10');
  if (!Number.isInteger(runs)) throw new CommandError('--runs must be a whole number of repeats from 1 to 10');
  const stepSeconds = numberFlag(ctx, 'step-seconds', plan.step_seconds, 0.2, 60, 'a number of seconds from 0.2 to 60');
  const diskSizeMb = numberFlag(ctx, 'disk-size', plan.disk_size_mb, 8, 65_536, 'a size in MiB from 8 to 65536');
  const quietWaitSeconds = numberFlag(
    ctx,
    'quiet-wait',
    QUIET_WAIT_SECONDS,
    0,
    3600,
    'a number of seconds from 0 to 3600',
  );
  const engine = (ctx.flags['disk-engine'] ?? 'auto') as DiskEngine;
  if (!ENGINES.includes(engine)) throw new CommandError(`--disk-engine must be one of ${ENGINES.join(', ')}`);
  const dir = typeof ctx.flags.dir === 'string' ? ctx.flags.dir : process.cwd();
  const { serverUrl, apiKey } = ctx.settings;
  const upload = !ctx.flags['no-upload'];
  if (upload && !(serverUrl && apiKey))
    ctx.err(
      'The result will not be uploaded: no server configured (--server-url and --api-key, or PCC_SERVER_URL and PCC_APIKEY).\n',
    );

  const bar = createProgressBar(ctx.err, ctx.isTTY);
  let result: Awaited<ReturnType<typeof runSuite>>;
  try {
    result = await runSuite({
      profile: plan.profile,
      benchmarks: plan.benchmarks,
      runs,
      stepSeconds,
      diskSizeMb,
      diskDir: dir,
      diskEngine: engine,
      serverUrl,
      apiKey,
      uploadLoadTests: upload,
      dataDir: ctx.settings.dataDir,
      force: ctx.flags.force === true,
      quietWaitSeconds,
      signal: ctx.signal,
      onProgress: bar.update,
    });
  } catch (err) {
    bar.done();
    if (err instanceof MachineBusyError) {
      ctx.err(`${err.message.replace('run anyway with force', 'run anyway with --force')}\n`);
      return EXIT.notQuiet;
    }
    if (err instanceof LockedError || err instanceof CancelledError) throw new CommandError(err.message);
    throw err;
  }
  bar.done();
  const text = suiteText(result);
  if (ctx.flags.json) {
    ctx.err(text);
    ctx.out(`${JSON.stringify(result, null, 2)}\n`);
  } else ctx.out(text);
  const nothingRan = result.benchmarks.every((b) => b.error !== undefined);
  if (upload && serverUrl && apiKey) {
    if (nothingRan) ctx.err('Nothing was measured: the result is not uploaded.\n');
    else {
      const io = { dataDir: ctx.settings.dataDir, err: ctx.err, signal: ctx.signal };
      if (!(await uploadSuiteResult(io, { url: serverUrl, apiKey }, result))) return EXIT.failed;
    }
  }
  if (nothingRan) return EXIT.failed;
  return result.validity === 'invalid' ? EXIT.invalid : EXIT.done;
}
