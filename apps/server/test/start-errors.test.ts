import { describe, expect, it } from 'vitest';
import { databaseError, dataDirError, listenError, StartError } from '../src/start-errors.ts';
import { testConfig } from './helpers.ts';

// What the errors of the drivers look like when a start fails; start.test.ts drives the real ones end to end.
const withCode = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

const postgres = testConfig({
  DATABASE_URL: 'postgres://xat_web:web-secret@db.example:6543/xat',
  DATABASE_OWNER_URL: 'postgres://xat:owner-secret@db.example:6543/xat',
});

describe('start errors', () => {
  it('name both PostgreSQL logins without their passwords, and the reason', () => {
    const refused = new AggregateError([withCode('connect ECONNREFUSED ::1:6543', { code: 'ECONNREFUSED' })]);
    const err = databaseError(postgres, refused);
    expect(err).toBeInstanceOf(StartError);
    expect(err.message).toBe(
      'cannot use PostgreSQL at xat_web@db.example:6543/xat (DATABASE_URL) or xat@db.example:6543/xat ' +
        '(DATABASE_OWNER_URL): connection refused: is PostgreSQL running and listening there?',
    );
    expect(err.message).not.toMatch(/secret/);
  });

  it("give PostgreSQL's own message and hint when a migration refuses, through Drizzle's wrapper", () => {
    const raised = withCode('the role xat_app is missing and xat may not create roles', {
      code: 'P0001',
      hint: 'As a superuser, once: CREATE ROLE xat_app NOLOGIN; then start again.',
    });
    const wrapped = new Error('Failed query: DO $$ …\nparams:', { cause: raised });
    expect(databaseError(postgres, wrapped).message).toMatch(
      /: the role xat_app is missing and xat may not create roles \(As a superuser, once: CREATE ROLE xat_app NOLOGIN; then start again\.\)$/,
    );
  });

  it('leave an error they do not recognise as it is (its stack is the report of a bug)', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(databaseError(postgres, bug)).toBe(bug);
    expect(dataDirError(bug)).toBeUndefined();
  });

  it('say which setting to change when listening fails', () => {
    const config = testConfig({ PORT: '8123', HOST: '192.0.2.1' });
    const cases: [string, RegExp][] = [
      ['EADDRINUSE', /^port 8123 is already in use on 192\.0\.2\.1: .*set PORT$/],
      ['EACCES', /^port 8123 needs privileges/],
      ['EADDRNOTAVAIL', /^HOST=192\.0\.2\.1 is not an address of this machine/],
      ['ENOTFOUND', /^HOST=192\.0\.2\.1 does not resolve/],
    ];
    for (const [code, message] of cases)
      expect(listenError(config, withCode(`listen ${code}`, { code, syscall: 'listen' })).message).toMatch(message);
  });
});
