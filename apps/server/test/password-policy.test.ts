import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { ApiError } from '../src/http/errors.ts';
import { checkPassword, PASSWORD_MIN_LENGTH } from '../src/modules/credentials/password-policy.ts';
import { createUser } from '../src/modules/users/users.service.ts';
import { createTestTenant, getApp, PASSWORD, testConfig } from './helpers.ts';

/** The common weak passwords of issue 12, eleven of which the old rules accepted. */
const WEAK = [
  '        ',
  'password123',
  'changeme',
  'qwerty123',
  'letmein',
  'admin123',
  'welcome1',
  'iloveyou1',
  '123456789',
  'abc12345',
  'passw0rd',
  'monkey123',
  'dragon12',
  'football1',
  'sunshine1',
  'princess1',
  'trustno1',
  'baseball1',
  'master123',
  '11111111',
];
const STRONG = ['correct-horse-battery', 'cobol-forever-1959', 'Tr0ub4dor&3-xyzzy', 'violet tractor mango 42'];

describe('the password policy', () => {
  it('refuses every one of the 20 common weak passwords', async () => {
    for (const password of WEAK) expect(await checkPassword(password), JSON.stringify(password)).not.toEqual([]);
  });

  it('accepts strong passwords and passphrases', async () => {
    for (const password of STRONG) expect(await checkPassword(password, { username: 'grace' }), password).toEqual([]);
  });

  it("says why, in Django's words", async () => {
    expect(await checkPassword('password1234567')).toEqual(['This password is too common.']);
    expect(await checkPassword('        ')).toEqual([
      `This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`,
      'This password is too easy to guess: it repeats a character.',
    ]);
    expect(await checkPassword('98765432109876')).toContain('This password is entirely numeric.');
    expect(await checkPassword('abcdefghijklmnop')).toEqual([
      'This password is too easy to guess: it is a sequence such as abcd or 1234.',
    ]);
    // Long and random-looking, but built on the user's own name or email.
    expect(await checkPassword('grace.hopper1906', { username: 'grace.hopper' })).toEqual([
      'The password is too similar to the username or email.',
    ]);
    expect(await checkPassword('hopper-navy-1906', { email: 'hopper-navy@example.com' })).toEqual([
      'The password is too similar to the username or email.',
    ]);
  });

  it('counts characters, not UTF-16 units', async () => {
    // Nine emoji are 18 UTF-16 units but 9 characters.
    expect((await checkPassword('🐢🦊🐙🦉🐝🦀🐌🦎🐳'))[0]).toMatch(/too short/);
  });
});

describe('every way a password is set follows it, naming the field', () => {
  it('creating a user (admin API): all 20 weak passwords refused on `password`', async () => {
    const t = await createTestTenant();
    for (const password of WEAK) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/users/',
        payload: { username: `w-${randomUUID().slice(0, 8)}`, password },
      });
      expect(res.statusCode, JSON.stringify(password)).toBe(400);
      expect(Object.keys(res.json()), JSON.stringify(password)).toEqual(['password']);
    }
    const ok = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: { username: `s-${randomUUID().slice(0, 8)}`, password: 'violet tractor mango 42' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('resetting a password (admin API) and changing one own (new_password)', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const username = `u-${randomUUID().slice(0, 8)}`;
    const user = await createUser(database.db, t.id, { username, password: PASSWORD });
    const reset = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}/`,
      payload: { password: 'changeme' },
    });
    expect(reset.statusCode).toBe(400);
    expect(reset.json()).toEqual({ password: expect.arrayContaining(['This password is too common.']) });

    const signIn = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/',
      payload: { username, password: PASSWORD },
      auth: false,
    });
    const change = (password: string) =>
      t.request({
        method: 'POST',
        url: '/api/v1/auth/password/change/',
        token: signIn.json().access,
        payload: { old_password: PASSWORD, new_password: password, new_password2: password },
      });
    const weak = await change('password123');
    expect(weak.statusCode).toBe(400);
    expect(Object.keys(weak.json())).toEqual(['new_password']);
    expect((await change('cobol-forever-1959')).statusCode).toBe(200);
  });

  it('self-registration (password)', async () => {
    const { database } = await getApp();
    const app = await buildApp({ config: testConfig({ ALLOW_REGISTRATION: 'true' }), database, logger: false });
    try {
      const t = await createTestTenant();
      const register = (password: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/register/',
          headers: { host: t.host },
          payload: { username: `r-${randomUUID().slice(0, 8)}`, password, password2: password },
        });
      const weak = await register('qwerty123');
      expect(weak.statusCode).toBe(400);
      expect(Object.keys(weak.json())).toEqual(['password']);
      expect((await register('violet tractor mango 42')).statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('the CLI and the first admin (createUser), and XAT_ADMIN_PASSWORD when the configuration is read', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const refused = await createUser(database.db, t.id, { username: 'first-admin', password: 'password1234' }).catch(
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).body).toEqual({ password: ['This password is too common.'] });

    let problems: string[] = [];
    try {
      loadConfig({ SECRET_KEY: 'a-secret-key-that-is-certainly-long-enough', XAT_ADMIN_PASSWORD: 'admin123' });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems).toEqual([`XAT_ADMIN_PASSWORD: must be at least ${PASSWORD_MIN_LENGTH} characters`]);
  });
});
