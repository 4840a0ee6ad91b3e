import { describe, expect, it } from 'vitest';
import { maskKey, resolveSettings, SettingsError } from './settings.ts';
import { formatDuration, parseDuration, parseSize } from './units.ts';

const noFile = () => {
  throw Object.assign(new Error('missing'), { code: 'ENOENT' });
};
const file = (json: unknown) => () => JSON.stringify(json);

describe('settings', () => {
  it('defaults: 10 s interval and uploads, /var/lib/pcc, 100 MB spool, 24 h collection to /tmp/pcc.json', () => {
    const s = resolveSettings({}, {}, noFile);
    expect(s).toMatchObject({
      serverUrl: undefined,
      intervalMs: 10_000,
      uploadIntervalMs: 10_000,
      dataDir: '/var/lib/pcc',
      spoolMaxBytes: 100e6,
      durationMs: 86_400_000,
      collection: '/tmp/pcc.json',
      configFile: '/etc/pcc/config.json',
      logLevel: 'info',
      jobs: true,
    });
  });

  it('flags win over PCC_* variables, which win over the config file', () => {
    const config = file({ server_url: 'http://file:8000', api_key: 'file-key', interval: 30, data_dir: '/file' });
    const env = { PCC_SERVER_URL: 'http://env:8000/', PCC_FREQUENCY: '5s', PCC_APIKEY: 'env-key' };
    expect(resolveSettings({}, {}, config)).toMatchObject({
      serverUrl: 'http://file:8000',
      apiKey: 'file-key',
      intervalMs: 30_000,
      dataDir: '/file',
    });
    expect(resolveSettings({}, env, config)).toMatchObject({
      serverUrl: 'http://env:8000',
      apiKey: 'env-key',
      intervalMs: 5000,
      dataDir: '/file',
    });
    expect(resolveSettings({ 'server-url': 'https://flag', frequency: '1m' }, env, config)).toMatchObject({
      serverUrl: 'https://flag',
      intervalMs: 60_000,
    });
  });

  it('the original pcc variables: PCC_DURATION, PCC_COLLECTION, PCC_UPLOAD_INTERVAL, PCC_DATA_DIR', () => {
    const env = { PCC_DURATION: '1h', PCC_COLLECTION: '/tmp/x.json', PCC_UPLOAD_INTERVAL: '30s', PCC_DATA_DIR: '/d' };
    expect(resolveSettings({}, env, noFile)).toMatchObject({
      durationMs: 3_600_000,
      collection: '/tmp/x.json',
      uploadIntervalMs: 30_000,
      dataDir: '/d',
    });
  });

  it('lists every bad value at once, saying where it came from', () => {
    const env = { PCC_FREQUENCY: 'often', PCC_SERVER_URL: 'ftp://x', PCC_LOG_LEVEL: 'loud' };
    try {
      resolveSettings({ 'spool-max': 'lots' }, env, noFile);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      const problems = (err as SettingsError).problems.join('\n');
      expect(problems).toContain('PCC_FREQUENCY: "often" is not a duration');
      expect(problems).toContain('PCC_SERVER_URL');
      expect(problems).toContain('--spool-max');
      expect(problems).toContain('PCC_LOG_LEVEL');
    }
  });

  it('benchmark jobs: on by default; off by --no-jobs, PCC_JOBS=0 or "jobs": false; a bad value is named', () => {
    expect(resolveSettings({}, {}, noFile).jobs).toBe(true);
    expect(resolveSettings({ 'no-jobs': true }, {}, noFile).jobs).toBe(false);
    for (const off of ['0', 'false', 'OFF', 'no'])
      expect(resolveSettings({}, { PCC_JOBS: off }, noFile).jobs).toBe(false);
    expect(resolveSettings({}, {}, file({ jobs: false })).jobs).toBe(false);
    expect(resolveSettings({}, {}, file({ jobs: 0 })).jobs).toBe(false);
    // The environment wins over the file, --no-jobs over both.
    expect(resolveSettings({}, { PCC_JOBS: '1' }, file({ jobs: false })).jobs).toBe(true);
    expect(resolveSettings({ 'no-jobs': true }, { PCC_JOBS: 'on' }, file({ jobs: true })).jobs).toBe(false);
    expect(() => resolveSettings({}, { PCC_JOBS: 'maybe' }, noFile)).toThrow(
      'PCC_JOBS: "maybe" is not 1 or 0 (or true, false, on, off)',
    );
  });

  it('a config file named explicitly must exist and be JSON; the default one may be absent', () => {
    expect(() => resolveSettings({ config: '/nope.json' }, {}, noFile)).toThrow(/cannot be read/);
    expect(() => resolveSettings({}, {}, () => 'not json')).toThrow(/not a JSON object/);
  });

  it('durations, sizes and masked keys', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('15')).toBe(15_000);
    expect(parseDuration('0s')).toBeUndefined();
    expect(parseDuration('10 s')).toBeUndefined();
    expect(parseSize('100MB')).toBe(100e6);
    expect(parseSize('64MiB')).toBe(64 * 2 ** 20);
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(10_000)).toBe('10s');
    expect(maskKey('abcdefghijklmnop')).toBe('abcd…mnop');
    expect(maskKey(undefined)).toBe('(not set)');
  });
});
