/** The command line: flags per command, usage, dispatch, exit codes (EXIT: 0 done, 1 failed, 2 usage; loadtest and bench 3, 4). */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { benchCommand } from './commands/bench.ts';
import { collectCommand } from './commands/collect.ts';
import { type CommandContext, CommandError, EXIT } from './commands/context.ts';
import { loadtestCommand } from './commands/loadtest.ts';
import { registerCommand } from './commands/register.ts';
import { runCommand } from './commands/run.ts';
import { statusCommand } from './commands/status.ts';
import { uploadCommand } from './commands/upload.ts';
import { createLogger } from './log.ts';
import { resolveSettings, SettingsError } from './settings.ts';
import { VERSION } from './version.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  config: { type: 'string' },
  'server-url': { type: 'string' },
  'api-key': { type: 'string' },
  'data-dir': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const JSON_FLAG: Options = { json: { type: 'boolean' } };

interface Command {
  summary: string;
  usage: string;
  options: Options;
  positionals?: boolean;
  run: (ctx: CommandContext) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  register: {
    summary: "send this host's specs to the server",
    usage: 'pcc register [--json]',
    options: { ...COMMON, ...JSON_FLAG },
    run: registerCommand,
  },
  run: {
    summary: 'the daemon: sample /proc, spool, upload',
    usage: 'pcc run [--interval 10s] [--upload-interval 10s] [--spool-max 100MB] [--no-jobs]',
    options: {
      ...COMMON,
      'no-jobs': { type: 'boolean' },
      interval: { type: 'string' },
      frequency: { type: 'string' },
      'upload-interval': { type: 'string' },
      'spool-max': { type: 'string' },
    },
    run: runCommand,
  },
  collect: {
    summary: 'record the raw format to a file (no server needed)',
    usage: 'pcc collect --output FILE [--duration 1h] [--frequency 10s]',
    options: {
      ...COMMON,
      output: { type: 'string', short: 'o' },
      duration: { type: 'string' },
      frequency: { type: 'string' },
      interval: { type: 'string' },
    },
    run: collectCommand,
  },
  upload: {
    summary: 'send a collected file to the server',
    usage: 'pcc upload FILE [--description TEXT] [--json]',
    options: { ...COMMON, ...JSON_FLAG, description: { type: 'string' } },
    positionals: true,
    run: uploadCommand,
  },
  loadtest: {
    summary: 'CPU work units at 10 … 100 % utilization',
    usage:
      'pcc loadtest [--level-seconds 10] [--runs 1] [--run-gap 10] [--quiet-wait 60] [--force] [--json] [--no-upload] [--notes TEXT]',
    options: {
      ...COMMON,
      ...JSON_FLAG,
      'level-seconds': { type: 'string' },
      runs: { type: 'string' },
      'run-gap': { type: 'string' },
      'quiet-wait': { type: 'string' },
      force: { type: 'boolean' },
      'no-upload': { type: 'boolean' },
      notes: { type: 'string' },
    },
    run: loadtestCommand,
  },
  bench: {
    summary: 'benchmark suite: CPU sweep, core scaling, memory, disk, network',
    usage: `pcc bench [PROFILE|BENCHMARK …] [--runs N] [--step-seconds S] [--dir DIR] [--disk-size MB]
                 [--disk-engine auto|fio|builtin] [--quiet-wait 60] [--force] [--json] [--no-upload]

  PROFILE    quick (default), standard, cpu, disk: their benchmarks, repeats, step and disk cap
  BENCHMARK  cpu_sweep, core_scaling, memory, disk, network (mixed with profiles freely)
  --runs N           repeats of each benchmark, 1-10 (default the profile's, else 3)
  --step-seconds S   measured time of one step, 0.2-60 (a load-test level, a worker count, a memory or disk operation)
  --dir DIR          where the disk benchmark writes its test file (default the current directory; always removed)
  --disk-size MB     cap of the test file, MiB (default the profile's, else 256; at most half the free space)
  --disk-engine E    fio when installed (auto), or force one
  --quiet-wait S     how long to wait for a quiet machine before refusing (exit 4); --force runs anyway
  --json             the result (as the server stores it) on stdout; the table on stderr
  --no-upload        neither the result nor cpu_sweep's load tests are uploaded (network still measures the server)

With a server configured the result is uploaded as a benchmark run (POST /api/v1/benchmark-runs/), judged again by
the server; one the server does not take is kept in the data dir as bench-<start>.json, and pcc bench exits 1.`,
    options: {
      ...COMMON,
      ...JSON_FLAG,
      runs: { type: 'string' },
      'step-seconds': { type: 'string' },
      dir: { type: 'string' },
      'disk-size': { type: 'string' },
      'disk-engine': { type: 'string' },
      'quiet-wait': { type: 'string' },
      force: { type: 'boolean' },
      'no-upload': { type: 'boolean' },
    },
    positionals: true,
    run: benchCommand,
  },
  status: {
    summary: 'config, server reachable?, last upload, spool, dead letters',
    usage: 'pcc status [--json]',
    options: { ...COMMON, ...JSON_FLAG },
    run: statusCommand,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `pcc ${VERSION} — the XAT agent

Usage: pcc <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Flags of every command:
  --server-url URL   server (PCC_SERVER_URL)          --api-key KEY   collector API key (PCC_APIKEY)
  --data-dir DIR     spool and state (PCC_DATA_DIR, default /var/lib/pcc)
  --config FILE      settings file (PCC_CONFIG, default /etc/pcc/config.json)
  --log-level LEVEL  debug, info, warn, error (PCC_LOG_LEVEL)
Other settings: PCC_FREQUENCY (interval, e.g. 10s), PCC_UPLOAD_INTERVAL, PCC_DURATION, PCC_COLLECTION (collect's
output), PCC_SPOOL_MAX; PCC_JOBS=0 (or pcc run --no-jobs, or "jobs": false in the config file): pcc run never asks
the server for benchmark jobs, so none can be started on this host remotely. Flags win over the environment, which
wins over the config file.

Exit codes: 0 done, 1 failed, 2 usage or settings; pcc loadtest and pcc bench also 3 (a run was judged invalid; a
load test is uploaded all the same) and 4 (the machine never became quiet enough to start; --force runs anyway).

  pcc --version      pcc <command> --help
`;
}

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  signal: AbortSignal;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`pcc ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`pcc: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: command.options,
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (err) {
    io.err(
      `pcc ${name}: ${(err as Error).message}\nUsage: ${command.usage}\nRun "pcc --help" for the flags of every command.\n`,
    );
    return 2;
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  if (flags.help) {
    io.out(`Usage: ${command.usage}\n\n${command.summary}.\n\n${usage()}`);
    return 0;
  }
  try {
    const settings = resolveSettings(flags, io.env);
    const log = createLogger(settings.logLevel, io.err);
    return await command.run({
      settings,
      flags,
      positionals: parsed.positionals,
      log,
      out: io.out,
      err: io.err,
      isTTY: io.isTTY,
      signal: io.signal,
    });
  } catch (err) {
    if (err instanceof SettingsError) {
      io.err(`pcc ${name}: ${err.problems.join('\n  ')}\n`);
      return EXIT.usage;
    }
    if (err instanceof CommandError) {
      io.err(`pcc ${name}: ${err.message}\n`);
      return 1;
    }
    io.err(`pcc ${name}: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
