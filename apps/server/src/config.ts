import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { PASSWORD_MIN_LENGTH } from './modules/credentials/password-policy.ts';

/** Everything the server reads from its environment, parsed once. The only reader of process.env. */
export interface Config {
  readonly nodeEnv: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  /** The login owning the schema (migrations, partitions, what crosses tenants); DATABASE_URL is then restricted. */
  readonly databaseOwnerUrl: string | undefined;
  readonly dataDir: string;
  readonly secretKey: string;
  readonly debug: boolean;
  readonly allowedHosts: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  readonly publicUrl: string | undefined;
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
  readonly maxUploadBytes: number;
  /** Failed sign-ins per (tenant, IP, username). */
  readonly loginRateLimit: { readonly max: number; readonly windowMs: number };
  /** Failed sign-ins per (tenant, IP), whatever the usernames: password spraying from one address. */
  readonly loginIpRateLimit: { readonly max: number; readonly windowMs: number };
  /** Failed sign-ins per tenant, whatever the IPs: a spray spread over many addresses. */
  readonly loginTenantRateLimit: { readonly max: number; readonly windowMs: number };
  /** Where the limits are counted when set (shared by every process); else in the database. */
  readonly redisUrl: string | undefined;
  readonly allowRegistration: boolean;
  readonly adminUsername: string | undefined;
  readonly adminPassword: string | undefined;
  readonly collectorOfflineSeconds: number;
  readonly logLevel: string;
  /** Trust X-Forwarded-* from a reverse proxy (client IPs for rate limits, https links). */
  readonly trustProxy: boolean;
  /** A bearer token that opens /metrics (every tenant's figures) and /health/?detail=true to the operator. */
  readonly metricsToken: string | undefined;
  /** Addresses (CIDRs, e.g. 10.0.0.0/8) whose requests to /metrics and /health/?detail=true need no token. */
  readonly opsAllowedIps: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "15m", "7d", "3600" (seconds), "1.5h" → seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$/i.exec(text);
  if (!m?.[1]) return undefined;
  const seconds = Number(m[1]) * (UNIT_SECONDS[(m[2] || 's').toLowerCase()] ?? 1);
  return seconds > 0 ? seconds : undefined;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "100MB", "100 MiB", "1048576" → bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m?.[1] || unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(t)) return false;
  return undefined;
}

/** "5/m", "20/hour", "100/10m" (django-ratelimit's forms) → at most `max` per window; undefined when malformed. */
function parseRate(text: string): { max: number; windowMs: number } | undefined {
  const m = /^(\d+)\/(\d*)([smhd])[a-z]*$/i.exec(text);
  if (!m?.[1] || !m[3]) return undefined;
  const per = Number(m[2] || 1) * (UNIT_SECONDS[m[3].toLowerCase()] ?? 60);
  return Number(m[1]) > 0 && per > 0 ? { max: Number(m[1]), windowMs: per * 1000 } : undefined;
}
const RATE = 'N/period such as 5/m, 20/h or 100/10m';

function parseList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads SECRET_KEY from DATA_DIR/secret_key, creating it (mode 0600) on first start. */
function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret_key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process started at the same moment and wrote it first: use theirs.
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new ConfigError([`SECRET_KEY: ${file} holds fewer than 32 characters; delete it or set SECRET_KEY`]);
  return secret;
}

/** An address or CIDR as a CIDR: `10.1.2.3` → `10.1.2.3/32`, `::1` → `::1/128`; anything else as given. */
function toCidr(entry: string): string {
  if (entry.includes('/') || !ipaddr.isValid(entry)) return entry;
  return `${entry}/${ipaddr.parse(entry).kind() === 'ipv4' ? 32 : 128}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const get = (key: string) => {
    const v = env[key];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  function parsed<T>(key: string, fallback: T, parse: (v: string) => T | undefined, expect: string): T {
    const raw = get(key);
    if (raw === undefined) return fallback;
    const value = parse(raw);
    if (value === undefined) {
      problems.push(`${key}=${JSON.stringify(raw)}: expected ${expect}`);
      return fallback;
    }
    return value;
  }

  const nodeEnv = get('NODE_ENV') ?? 'development';
  const port = parsed(
    'PORT',
    8000,
    (v) => (/^\d+$/.test(v) && Number(v) < 65536 ? Number(v) : undefined),
    'a port number 0-65535',
  );
  const databaseUrl = parsed(
    'DATABASE_URL',
    undefined as string | undefined,
    (v) => (/^postgres(ql)?:\/\//.test(v) ? v : undefined),
    'a postgres:// or postgresql:// URL',
  );
  const databaseOwnerUrl = parsed(
    'DATABASE_OWNER_URL',
    undefined as string | undefined,
    (v) => (/^postgres(ql)?:\/\//.test(v) ? v : undefined),
    'a postgres:// or postgresql:// URL',
  );
  if (databaseOwnerUrl && !databaseUrl)
    problems.push('DATABASE_OWNER_URL: needs DATABASE_URL too (the restricted login requests use)');
  const dataDirRaw = get('DATA_DIR') ?? './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  const publicUrl = parsed(
    'PUBLIC_URL',
    undefined as string | undefined,
    (v) => (/^https?:\/\/[^\s/]+/.test(v) ? v.replace(/\/+$/, '') : undefined),
    'an http(s):// URL',
  );
  const corsAllowedOrigins = parseList(get('CORS_ALLOWED_ORIGINS'));
  for (const origin of corsAllowedOrigins) {
    if (!/^https?:\/\/[^\s/]+$/.test(origin))
      problems.push(`CORS_ALLOWED_ORIGINS: ${origin} is not an origin (scheme://host[:port])`);
  }
  const loginRateLimit = parsed('LOGIN_RATE_LIMIT', { max: 5, windowMs: 60_000 }, parseRate, RATE);

  const opsAllowedIps = parseList(get('OPS_ALLOWED_IPS'));

  let secretKey = get('SECRET_KEY');
  if (secretKey !== undefined && secretKey.length < 32) problems.push('SECRET_KEY: must be at least 32 characters');
  if (secretKey === undefined && nodeEnv === 'production')
    problems.push('SECRET_KEY: required when NODE_ENV=production');

  const config: Config = {
    nodeEnv,
    port,
    host: get('HOST') ?? '0.0.0.0',
    databaseUrl,
    databaseOwnerUrl,
    dataDir,
    secretKey: '',
    debug: parsed('DEBUG', false, parseBool, 'true or false'),
    allowedHosts: parseList(get('ALLOWED_HOSTS')).map((h) => h.toLowerCase()),
    corsAllowedOrigins,
    publicUrl,
    accessTokenSeconds: parsed('ACCESS_TOKEN_LIFETIME', 15 * 60, parseDuration, 'a duration such as 15m or 1h'),
    refreshTokenSeconds: parsed('REFRESH_TOKEN_LIFETIME', 7 * 86400, parseDuration, 'a duration such as 7d'),
    maxUploadBytes: parsed('MAX_UPLOAD_BYTES', 100 * 1024 * 1024, parseSize, 'a size such as 100MB or 104857600'),
    loginRateLimit,
    loginIpRateLimit: parsed('LOGIN_IP_RATE_LIMIT', { max: 20, windowMs: 60_000 }, parseRate, RATE),
    loginTenantRateLimit: parsed('LOGIN_TENANT_RATE_LIMIT', { max: 100, windowMs: 600_000 }, parseRate, RATE),
    redisUrl: parsed(
      'REDIS_URL',
      undefined as string | undefined,
      (v) => (/^rediss?:\/\/\S+$/.test(v) ? v : undefined),
      'a redis:// or rediss:// URL',
    ),
    allowRegistration: parsed('ALLOW_REGISTRATION', false, parseBool, 'true or false'),
    adminUsername: get('XAT_ADMIN_USERNAME'),
    adminPassword: get('XAT_ADMIN_PASSWORD'),
    collectorOfflineSeconds: parsed('COLLECTOR_OFFLINE_AFTER', 300, parseDuration, 'a duration such as 5m'),
    logLevel: get('LOG_LEVEL')?.toLowerCase() ?? 'info',
    trustProxy: parsed('TRUST_PROXY', false, parseBool, 'true or false'),
    metricsToken: get('METRICS_TOKEN'),
    opsAllowedIps: opsAllowedIps.map(toCidr),
  };
  if (config.metricsToken !== undefined && config.metricsToken.length < 32)
    problems.push('METRICS_TOKEN: must be at least 32 characters');
  for (const entry of opsAllowedIps)
    if (!ipaddr.isValidCIDR(toCidr(entry)))
      problems.push(`OPS_ALLOWED_IPS: ${entry} is not an address or a CIDR such as 10.0.0.0/8`);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel))
    problems.push(`LOG_LEVEL=${config.logLevel}: expected fatal, error, warn, info, debug, trace or silent`);
  // The rest of the password policy (common and guessable passwords) applies when the admin is created.
  if (config.adminPassword !== undefined && [...config.adminPassword].length < PASSWORD_MIN_LENGTH)
    problems.push(`XAT_ADMIN_PASSWORD: must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (problems.length > 0) throw new ConfigError(problems);
  secretKey ??= loadOrCreateSecret(dataDir);
  return Object.freeze({ ...config, secretKey });
}
