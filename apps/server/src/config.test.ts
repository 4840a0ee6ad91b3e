import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration, parseSize } from './config.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xat-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'a-secret-key-that-is-certainly-long-enough';

function problemsOf(env: Record<string, string>, cwd = tempDir()): string[] {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const cwd = tempDir();
    const config = loadConfig({ SECRET_KEY: SECRET }, cwd);
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: join(cwd, 'data'),
      secretKey: SECRET,
      debug: false,
      allowedHosts: [],
      corsAllowedOrigins: [],
      accessTokenSeconds: 900,
      refreshTokenSeconds: 7 * 86400,
      maxUploadBytes: 100 * 1024 * 1024,
      loginRateLimit: { max: 5, windowMs: 60_000 },
      loginIpRateLimit: { max: 20, windowMs: 60_000 },
      loginTenantRateLimit: { max: 100, windowMs: 600_000 },
      redisUrl: undefined,
      allowRegistration: false,
      collectorOfflineSeconds: 300,
      logLevel: 'info',
      trustProxy: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
    // With SECRET_KEY given, nothing is written.
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('reads every variable', () => {
    const cwd = tempDir();
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '9090',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgresql://u:p@db:5432/xat',
        DATA_DIR: 'state',
        SECRET_KEY: `  ${SECRET}  `,
        DEBUG: 'yes',
        ALLOWED_HOSTS: 'XAT.example.com, other.example.com,',
        CORS_ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:5173',
        PUBLIC_URL: 'https://xat.example.com/',
        ACCESS_TOKEN_LIFETIME: '1h',
        REFRESH_TOKEN_LIFETIME: '30d',
        MAX_UPLOAD_BYTES: '50MiB',
        LOGIN_RATE_LIMIT: '20/h',
        LOGIN_IP_RATE_LIMIT: '30/5min',
        LOGIN_TENANT_RATE_LIMIT: '500/d',
        REDIS_URL: 'redis://:pw@cache:6379/2',
        ALLOW_REGISTRATION: 'true',
        XAT_ADMIN_USERNAME: 'root',
        XAT_ADMIN_PASSWORD: 'long-enough-password',
        COLLECTOR_OFFLINE_AFTER: '90s',
        LOG_LEVEL: 'WARN',
        TRUST_PROXY: '1',
      },
      cwd,
    );
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 9090,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://u:p@db:5432/xat',
      dataDir: join(cwd, 'state'),
      secretKey: SECRET,
      debug: true,
      allowedHosts: ['xat.example.com', 'other.example.com'],
      corsAllowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      publicUrl: 'https://xat.example.com',
      accessTokenSeconds: 3600,
      refreshTokenSeconds: 30 * 86400,
      maxUploadBytes: 50 * 1024 * 1024,
      loginRateLimit: { max: 20, windowMs: 3_600_000 },
      loginIpRateLimit: { max: 30, windowMs: 300_000 },
      loginTenantRateLimit: { max: 500, windowMs: 86_400_000 },
      redisUrl: 'redis://:pw@cache:6379/2',
      allowRegistration: true,
      adminUsername: 'root',
      adminPassword: 'long-enough-password',
      collectorOfflineSeconds: 90,
      logLevel: 'warn',
      trustProxy: true,
    });
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({
      SECRET_KEY: SECRET,
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      ACCESS_TOKEN_LIFETIME: 'soon',
      DEBUG: 'maybe',
      MAX_UPLOAD_BYTES: 'lots',
    });
    expect(problems).toHaveLength(5);
    for (const key of ['PORT', 'DATABASE_URL', 'ACCESS_TOKEN_LIFETIME', 'DEBUG', 'MAX_UPLOAD_BYTES']) {
      expect(
        problems.filter((p) => p.startsWith(`${key}=`)),
        key,
      ).toHaveLength(1);
    }
    expect(() => loadConfig({ SECRET_KEY: SECRET, PORT: 'abc', DEBUG: 'maybe' }, tempDir())).toThrow(
      /PORT="abc".*\n.*DEBUG="maybe"/,
    );
  });

  it('refuses other malformed values', () => {
    const problems = problemsOf({
      SECRET_KEY: 'short',
      PORT: '70000',
      REFRESH_TOKEN_LIFETIME: '0',
      LOGIN_RATE_LIMIT: '5/0m',
      LOGIN_IP_RATE_LIMIT: '20 per minute',
      LOGIN_TENANT_RATE_LIMIT: '0/m',
      REDIS_URL: 'localhost:6379',
      CORS_ALLOWED_ORIGINS: 'https://ok.example.com,not an origin,https://x.example.com/path',
      PUBLIC_URL: 'xat.example.com',
      LOG_LEVEL: 'loud',
      XAT_ADMIN_PASSWORD: 'short',
      ALLOW_REGISTRATION: 'sometimes',
      TRUST_PROXY: '2',
      COLLECTOR_OFFLINE_AFTER: '-5m',
    });
    const keys = problems.map((p) => /^[A-Z_]+/.exec(p)?.[0]);
    expect(keys.sort()).toEqual(
      [
        'ALLOW_REGISTRATION',
        'COLLECTOR_OFFLINE_AFTER',
        'CORS_ALLOWED_ORIGINS',
        'CORS_ALLOWED_ORIGINS',
        'LOGIN_RATE_LIMIT',
        'LOGIN_IP_RATE_LIMIT',
        'LOGIN_TENANT_RATE_LIMIT',
        'REDIS_URL',
        'LOG_LEVEL',
        'PORT',
        'PUBLIC_URL',
        'REFRESH_TOKEN_LIFETIME',
        'SECRET_KEY',
        'TRUST_PROXY',
        'XAT_ADMIN_PASSWORD',
      ].sort(),
    );
  });

  it('reads who may see the operational endpoints, and refuses a short token or a malformed address', () => {
    expect(loadConfig({ SECRET_KEY: SECRET }, tempDir())).toMatchObject({ metricsToken: undefined, opsAllowedIps: [] });
    const config = loadConfig(
      {
        SECRET_KEY: SECRET,
        METRICS_TOKEN: ' an-operator-token-of-32-characters-or-more ',
        OPS_ALLOWED_IPS: '10.0.0.0/8, 127.0.0.1,::1 ,2001:db8::/32',
      },
      tempDir(),
    );
    expect(config).toMatchObject({
      metricsToken: 'an-operator-token-of-32-characters-or-more',
      opsAllowedIps: ['10.0.0.0/8', '127.0.0.1/32', '::1/128', '2001:db8::/32'],
    });
    const problems = problemsOf({
      SECRET_KEY: SECRET,
      METRICS_TOKEN: 'short',
      OPS_ALLOWED_IPS: '10.0.0.0/33,office,1.2.3.4',
    });
    expect(problems).toEqual([
      'METRICS_TOKEN: must be at least 32 characters',
      'OPS_ALLOWED_IPS: 10.0.0.0/33 is not an address or a CIDR such as 10.0.0.0/8',
      'OPS_ALLOWED_IPS: office is not an address or a CIDR such as 10.0.0.0/8',
    ]);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ SECRET_KEY: SECRET, PORT: '', DEBUG: '  ', DATABASE_URL: '' }, tempDir());
    expect(config).toMatchObject({ port: 8000, debug: false, databaseUrl: undefined });
  });

  it('requires SECRET_KEY in production and writes nothing then', () => {
    const cwd = tempDir();
    const problems = problemsOf({ NODE_ENV: 'production', DATA_DIR: 'data' }, cwd);
    expect(problems).toEqual(['SECRET_KEY: required when NODE_ENV=production']);
    expect(existsSync(join(cwd, 'data', 'secret_key'))).toBe(false);
  });

  it('generates SECRET_KEY into DATA_DIR/secret_key (mode 0600) and reuses it', () => {
    const cwd = tempDir();
    const first = loadConfig({ DATA_DIR: 'var/xat' }, cwd);
    const file = join(cwd, 'var', 'xat', 'secret_key');
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATA_DIR: 'var/xat' }, cwd);
    expect(second.secretKey).toBe(first.secretKey);
    // Another data directory, another key.
    expect(loadConfig({ DATA_DIR: 'elsewhere' }, cwd).secretKey).not.toBe(first.secretKey);
  });

  it('does not generate a secret when other variables are bad', () => {
    const cwd = tempDir();
    problemsOf({ DATA_DIR: 'data', PORT: 'abc' }, cwd);
    expect(existsSync(join(cwd, 'data', 'secret_key'))).toBe(false);
  });

  it('refuses a secret_key file too short to be a key', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', 'secret_key'), '\n');
    const problems = problemsOf({ DATA_DIR: 'data' }, cwd);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SECRET_KEY: .*secret_key/);
  });

  it('takes an absolute DATA_DIR as is', () => {
    const dir = tempDir();
    expect(loadConfig({ SECRET_KEY: SECRET, DATA_DIR: dir }, '/somewhere/else').dataDir).toBe(dir);
  });
});

describe('parseDuration and parseSize', () => {
  it('read the documented forms', () => {
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('7d')).toBe(604800);
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('2w')).toBe(1_209_600);
    for (const bad of ['soon', '0', '-1m', '5 minutes', '']) expect(parseDuration(bad), bad).toBeUndefined();
    expect(parseSize('100MB')).toBe(100_000_000);
    expect(parseSize('50MiB')).toBe(50 * 1024 * 1024);
    expect(parseSize('1048576')).toBe(1_048_576);
    expect(parseSize('1.5 kb')).toBe(1500);
    for (const bad of ['lots', '0', '10 parsecs', '-5MB']) expect(parseSize(bad), bad).toBeUndefined();
  });
});
