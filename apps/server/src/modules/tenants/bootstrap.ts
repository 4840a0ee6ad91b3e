import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { verifyPassword } from '../credentials/passwords.ts';
import { countUsers, findUserByUsername } from '../users/users.queries.ts';
import { createUser } from '../users/users.service.ts';
import { DEFAULT_DOMAINS, DEFAULT_TENANT_NAME, ensureTenant, findTenantByDomain } from './tenants.queries.ts';

/** Where a generated first-admin password waits, readable by the server's user only, until it is changed. */
export const FIRST_ADMIN_FILE = 'first-admin-password.txt';

interface FirstAdmin {
  username: string;
  password: string;
}

function readFirstAdmin(file: string): FirstAdmin | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const username = /^username: (.+)$/m.exec(text)?.[1];
  const password = /^password: (\S+)$/m.exec(text)?.[1];
  return username && password ? { username, password } : undefined;
}

/** Written before the user exists: a start that fails after creating it leaves the password where it is found. */
function writeFirstAdmin(file: string, admin: FirstAdmin): FirstAdmin {
  const text = `username: ${admin.username}\npassword: ${admin.password}\n`;
  try {
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    return admin;
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    // Another process wrote one first: use theirs, or replace an unreadable one.
    const theirs = readFirstAdmin(file);
    if (theirs) return theirs;
    writeFileSync(file, text, { mode: 0o600 });
    return admin;
  }
}

/** What to show once the server listens; `passwordFile` when a first-admin password waits there. */
export interface Bootstrapped {
  lines: string[];
  passwordFile?: string;
}

/**
 * First start: the default tenant (localhost, 127.0.0.1) and, while it has no user, a first admin —
 * XAT_ADMIN_USERNAME / XAT_ADMIN_PASSWORD, else `admin` with a random password, written 0600 to DATA_DIR first.
 * Returns the lines to show once the server listens; later starts remind where the password is until it is changed,
 * then delete the file.
 */
export async function bootstrapDefaultTenant(db: Db, config: Config): Promise<Bootstrapped> {
  const tenant =
    (await findTenantByDomain(db, 'localhost')) ?? (await ensureTenant(db, DEFAULT_TENANT_NAME, DEFAULT_DOMAINS));
  const file = join(config.dataDir, FIRST_ADMIN_FILE);
  if ((await countUsers(db, tenant.id)) > 0) {
    const waiting = readFirstAdmin(file);
    if (!waiting) return { lines: [] };
    const user = await findUserByUsername(db, tenant.id, waiting.username);
    if (user && (await verifyPassword(user.passwordHash, waiting.password)))
      return {
        lines: [`The first admin's password is still in ${file}: delete that file once you have changed the password.`],
        passwordFile: file,
      };
    rmSync(file, { force: true });
    return { lines: [`The first admin's password has been changed: deleted ${file}.`] };
  }
  const username = config.adminUsername ?? 'admin';
  if (config.adminPassword !== undefined) {
    await createUser(db, tenant.id, { username, password: config.adminPassword, role: 'admin' });
    return {
      lines: [`Created the admin user "${username}" of the default tenant from XAT_ADMIN_USERNAME/XAT_ADMIN_PASSWORD.`],
    };
  }
  // A file left by a start that failed before creating the user is used again, so what it says stays true.
  const admin =
    readFirstAdmin(file) ?? writeFirstAdmin(file, { username, password: randomBytes(12).toString('base64url') });
  await createUser(db, tenant.id, { ...admin, role: 'admin' });
  const lines = [
    '',
    '  First start: created the admin user of the default tenant.',
    `    username: ${admin.username}`,
    `    password: ${admin.password}`,
    `  Also in ${file} (readable by this user only) until you change it:`,
    '  sign in and change it on the account page, or with POST /api/v1/auth/password/change/.',
    '',
  ];
  return { lines, passwordFile: file };
}
