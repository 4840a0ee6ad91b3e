import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { countUsers } from '../users/users.queries.ts';
import { createUser } from '../users/users.service.ts';
import { DEFAULT_DOMAINS, DEFAULT_TENANT_NAME, ensureTenant, findTenantByDomain } from './tenants.queries.ts';

/**
 * First start: the default tenant (localhost, 127.0.0.1) and, while it has no user, a first admin —
 * XAT_ADMIN_USERNAME / XAT_ADMIN_PASSWORD, else `admin` with a random password printed once.
 */
export async function bootstrapDefaultTenant(db: Db, config: Config, print: (line: string) => void): Promise<void> {
  const tenant =
    (await findTenantByDomain(db, 'localhost')) ?? (await ensureTenant(db, DEFAULT_TENANT_NAME, DEFAULT_DOMAINS));
  if ((await countUsers(db, tenant.id)) > 0) return;
  const username = config.adminUsername ?? 'admin';
  const generated = config.adminPassword === undefined;
  const password = config.adminPassword ?? randomBytes(12).toString('base64url');
  await createUser(db, tenant.id, { username, password, role: 'admin' });
  if (generated) {
    print('');
    print('  First start: created the admin user of the default tenant.');
    print(`    username: ${username}`);
    print(`    password: ${password}`);
    print('  This password is shown only once. Change it with POST /api/v1/auth/password/change/.');
    print('');
  } else {
    print(`Created the admin user "${username}" of the default tenant from XAT_ADMIN_USERNAME/XAT_ADMIN_PASSWORD.`);
  }
}
