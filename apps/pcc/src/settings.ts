/**
 * The agent's settings: flags first, then PCC_* environment variables (the original pcc's names where it has one),
 * then the config file (/etc/pcc/config.json, written by install.sh), then defaults. The only reader of process.env.
 */
import { readFileSync } from 'node:fs';
import { LEVELS, type Level } from './log.ts';
import { parseDuration, parseSize } from './units.ts';

export interface Settings {
  readonly serverUrl: string | undefined;
  readonly apiKey: string | undefined;
  readonly configFile: string;
  /** Spool, state and dead letters. */
  readonly dataDir: string;
  readonly intervalMs: number;
  readonly uploadIntervalMs: number;
  /** `pcc collect`: how long to record, and where. */
  readonly durationMs: number;
  readonly collection: string;
  readonly spoolMaxBytes: number;
  readonly logLevel: Level;
  /** `pcc run` asks the server for benchmark jobs (off: `--no-jobs`, `PCC_JOBS=0`, `"jobs": false`). */
  readonly jobs: boolean;
}

export const DEFAULT_CONFIG_FILE = '/etc/pcc/config.json';

/** Flag values as parsed from the command line (strings), by flag name. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

interface Source {
  flag: string[];
  env: string;
  file: string[];
}

// Setting → where it may come from, highest precedence first within each kind.
const SOURCES = {
  serverUrl: { flag: ['server-url'], env: 'PCC_SERVER_URL', file: ['server_url'] },
  apiKey: { flag: ['api-key'], env: 'PCC_APIKEY', file: ['api_key', 'apikey'] },
  dataDir: { flag: ['data-dir'], env: 'PCC_DATA_DIR', file: ['data_dir'] },
  interval: { flag: ['interval', 'frequency'], env: 'PCC_FREQUENCY', file: ['interval', 'frequency'] },
  uploadInterval: { flag: ['upload-interval'], env: 'PCC_UPLOAD_INTERVAL', file: ['upload_interval'] },
  duration: { flag: ['duration'], env: 'PCC_DURATION', file: ['duration'] },
  collection: { flag: ['output'], env: 'PCC_COLLECTION', file: ['collection'] },
  spoolMax: { flag: ['spool-max'], env: 'PCC_SPOOL_MAX', file: ['spool_max'] },
  logLevel: { flag: ['log-level'], env: 'PCC_LOG_LEVEL', file: ['log_level'] },
  jobs: { flag: [], env: 'PCC_JOBS', file: ['jobs'] },
} satisfies Record<string, Source>;

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}

/** Resolves every setting; throws a SettingsError listing every bad value. */
export function resolveSettings(
  flags: FlagValues,
  env: Readonly<Record<string, string | undefined>> = process.env,
  read: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): Settings {
  const problems: string[] = [];
  const explicitConfig = str(flags.config) ?? env.PCC_CONFIG;
  const configFile = explicitConfig ?? DEFAULT_CONFIG_FILE;
  const file = readConfigFile(configFile, explicitConfig !== undefined, read, problems);

  const pick = (source: Source): { value: string; from: string } | undefined => {
    for (const name of source.flag) {
      const v = str(flags[name]);
      if (v !== undefined) return { value: v, from: `--${name}` };
    }
    const e = env[source.env];
    if (e !== undefined && e !== '') return { value: e, from: source.env };
    for (const key of source.file) {
      const v = file[key];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        return { value: String(v), from: `${configFile}: ${key}` };
    }
    return undefined;
  };
  // A bare number is seconds, as in the config file's `"interval": 10`.
  const duration = (source: Source, fallback: number) => {
    const got = pick(source);
    if (!got) return fallback;
    const ms = parseDuration(got.value);
    if (ms === undefined) problems.push(`${got.from}: "${got.value}" is not a duration (e.g. 10s, 1m, 1h30m)`);
    return ms ?? fallback;
  };

  const serverUrl = pick(SOURCES.serverUrl);
  if (serverUrl && !/^https?:\/\/[^/\s]+/.test(serverUrl.value))
    problems.push(`${serverUrl.from}: "${serverUrl.value}" is not an http(s) URL`);
  const spool = pick(SOURCES.spoolMax);
  const spoolMaxBytes = spool ? parseSize(spool.value) : 100e6;
  if (spoolMaxBytes === undefined) problems.push(`${spool?.from}: "${spool?.value}" is not a size (e.g. 100MB)`);
  const level = pick(SOURCES.logLevel);
  if (level && !LEVELS.includes(level.value as Level))
    problems.push(`${level.from}: "${level.value}" is not one of ${LEVELS.join(', ')}`);

  // --no-jobs is a switch (no value), so it is not among the sources: it wins over them all.
  const jobsFrom = flags['no-jobs'] === true ? undefined : pick(SOURCES.jobs);
  const jobs = flags['no-jobs'] === true ? false : jobsFrom ? parseSwitch(jobsFrom.value) : true;
  if (jobs === undefined)
    problems.push(`${jobsFrom?.from}: "${jobsFrom?.value}" is not 1 or 0 (or true, false, on, off)`);

  const settings: Settings = {
    serverUrl: serverUrl?.value.replace(/\/+$/, ''),
    apiKey: pick(SOURCES.apiKey)?.value.trim(),
    configFile,
    dataDir: pick(SOURCES.dataDir)?.value ?? '/var/lib/pcc',
    intervalMs: duration(SOURCES.interval, 10_000),
    uploadIntervalMs: duration(SOURCES.uploadInterval, 10_000),
    durationMs: duration(SOURCES.duration, 24 * 3_600_000),
    collection: pick(SOURCES.collection)?.value ?? '/tmp/pcc.json',
    spoolMaxBytes: spoolMaxBytes ?? 100e6,
    logLevel: (level?.value as Level | undefined) ?? 'info',
    jobs: jobs ?? true,
  };
  if (problems.length) throw new SettingsError(problems);
  return Object.freeze(settings);
}

function readConfigFile(
  file: string,
  explicit: boolean,
  read: (file: string) => string,
  problems: string[],
): Record<string, unknown> {
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // The default file is optional (flags and env may say everything); one named explicitly is not.
    if (!explicit && (code === 'ENOENT' || code === 'ENOTDIR')) return {};
    problems.push(`${file}: cannot be read (${code ?? (err as Error).message})`);
    return {};
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.push(`${file}: not a JSON object`);
  return {};
}

/** 1/0, true/false, yes/no, on/off (any case); undefined for anything else. */
function parseSwitch(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return undefined;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** A setting a command cannot do without. */
export function required<T>(value: T | undefined, what: string, how: string): T {
  if (value === undefined || value === '') throw new SettingsError([`${what} is not set: ${how}`]);
  return value;
}

/** "abcd…wxyz" — enough to tell keys apart, not enough to use one. */
export function maskKey(key: string | undefined): string {
  if (!key) return '(not set)';
  return key.length <= 8 ? '****' : `${key.slice(0, 4)}…${key.slice(-4)}`;
}
