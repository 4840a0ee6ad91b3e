import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Database, DatabaseLockedError, openDatabase } from './db/client.ts';
import { ApiError } from './http/errors.ts';
import { serve } from './main.ts';
import { runProcessCommand } from './modules/process/process.command.ts';
import {
  DomainTakenError,
  ensureTenant,
  findTenantByDomain,
  listDomainsOfTenant,
} from './modules/tenants/tenants.queries.ts';
import { ROLES, type Role } from './modules/users/users.queries.ts';
import { createUser } from './modules/users/users.service.ts';
import { databaseError, dataDirError, StartError } from './start-errors.ts';

const USAGE = `Usage: xat <command> [options]

Commands:
  serve                                   start the server (migrations applied first)
  migrate                                 apply pending database migrations
  create-tenant --name NAME --domain D [--domain D2 ...]
                                          create a tenant and its domains (idempotent)
  process --input FILE[.gz] --outdir DIR  pcprocess drop-in: writes proc/stat, proc/meminfo, proc/net/dev,
                                          proc/diskstats, statfs_ALL, system_info.json (PCR_COLLECTION /
                                          PCR_OUTDIR when the flags are absent)
  create-superuser --tenant DOMAIN --username U --email E --password P [--role admin|member|viewer]
                                          create a user; prompts for what is missing on a TTY

Every command reads the environment described in README.md (DATABASE_URL, DATA_DIR, ...).`;

class UsageError extends Error {}

async function withDatabase<T>(config: Config, run: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(config).catch((err: unknown) => {
    throw databaseError(config, err);
  });
  try {
    await database.migrate().catch((err: unknown) => {
      throw databaseError(config, err);
    });
    return await run(database);
  } finally {
    await database.close();
  }
}

async function ask(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`missing ${question} (no TTY to ask on)`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  if (hidden) {
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stdout.write(s);
    };
  }
  const answer = await rl.question(`${question}: `);
  rl.close();
  if (hidden) process.stdout.write('\n');
  return answer.trim();
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // An offline tool: no database, no server configuration.
  if (command === 'process') return runProcessCommand(rest);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      domain: { type: 'string', multiple: true },
      tenant: { type: 'string' },
      username: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
    },
    strict: true,
  });
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    // SECRET_KEY is created in DATA_DIR on first start: the first place a bad data directory shows.
    throw dataDirError(err) ?? err;
  }
  switch (command) {
    case 'serve':
      await serve(config);
      return -1; // keeps running
    case 'migrate':
      await withDatabase(config, async () => undefined);
      console.log('Migrations applied.');
      return 0;
    case 'create-tenant': {
      if (!values.name || !values.domain?.length) throw new UsageError('create-tenant needs --name and --domain');
      const name = values.name;
      const domainList = values.domain;
      await withDatabase(config, async ({ db }) => {
        const tenant = await ensureTenant(db, name, domainList);
        const domains = await listDomainsOfTenant(db, tenant.id);
        console.log(`Tenant "${tenant.name}" (${tenant.id})`);
        for (const d of domains) console.log(`  domain ${d.domain}${d.isPrimary ? ' (primary)' : ''}`);
      });
      return 0;
    }
    case 'create-superuser': {
      const tenantDomain = values.tenant ?? (await ask('Tenant domain'));
      const username = values.username ?? (await ask('Username'));
      const email = values.email ?? (await ask('Email'));
      const password = values.password ?? (await ask('Password', true));
      const role = (values.role ?? 'admin') as Role;
      if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      await withDatabase(config, async ({ db }) => {
        const tenant = await findTenantByDomain(db, tenantDomain);
        if (!tenant) throw new UsageError(`no tenant has the domain "${tenantDomain}" (create it with create-tenant)`);
        const user = await createUser(db, tenant.id, { username, email, password, role });
        console.log(`Created ${role} "${user.username}" in tenant "${tenant.name}".`);
      });
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  const code = await runCli(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (err) {
  if (err instanceof ConfigError) console.error(`xat: the server cannot start.\n${err.message}`);
  else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    console.error(`xat: ${(err as Error).message}\n\n${USAGE}`);
  else if (err instanceof StartError || err instanceof DatabaseLockedError || err instanceof DomainTakenError)
    console.error(`xat: ${err.message}`);
  else if (err instanceof ApiError) console.error(`xat: ${JSON.stringify(err.body)}`);
  else console.error(err);
  process.exit(err instanceof UsageError ? 2 : 1);
}
