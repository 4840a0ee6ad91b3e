import { buildApp } from './app.ts';
import type { App } from './app-types.ts';
import { type Config, loadConfig } from './config.ts';
import { acrossTenants } from './db/access-scope.ts';
import { LOCKS, openDatabase } from './db/client.ts';
import { rejudgeLoadTestsForAllTenants } from './modules/loadtests/rejudge.ts';
import { type Bootstrapped, bootstrapDefaultTenant } from './modules/tenants/bootstrap.ts';
import { databaseError, listenError } from './start-errors.ts';

/**
 * Opens the database, migrates, bootstraps, listens; closes gracefully on SIGINT/SIGTERM, from the moment the
 * database is open (a signal during migrations waits for the database to close, never leaves it half written).
 * Failures the operator can fix reject with a StartError (one line); the database is closed first.
 */
export async function serve(config: Config = loadConfig()): Promise<void> {
  // Outside a request or a declared scope, a query sees no tenant's rows (db/access-scope.ts).
  const database = await openDatabase({ ...config, unscoped: 'none' }).catch((err: unknown) => {
    throw databaseError(config, err);
  });
  let app: App | undefined;
  let bootstrapped: Bootstrapped | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app?.close();
      await database.close();
    })();
    return closing;
  };
  const shutdown = async (signal: string) => {
    if (app) app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await database.migrate().catch((err: unknown) => {
      throw databaseError(config, err);
    });
    // Start-up jobs cross tenants, as the owner; one process at a time (several may start at once on one PostgreSQL).
    bootstrapped = await database.exclusive(LOCKS.startup, { wait: true }, () =>
      acrossTenants(async () => {
        // Verdicts reached with older rules (or none, before 0004) are judged again with today's, once per start.
        await rejudgeLoadTestsForAllTenants(database.db);
        return bootstrapDefaultTenant(database.db, config);
      }),
    );
    if (!bootstrapped) throw new Error('start-up jobs did not run');
    app = await buildApp({ config, database });
    const log = app.log;
    // Survived, not fatal: requests meanwhile answer 503 and the pool reconnects when PostgreSQL is back.
    database.onConnectionError((err) => log.warn({ err }, 'database connection lost'));
    await app.listen({ port: config.port, host: config.host }).catch((err: unknown) => {
      throw listenError(config, err);
    });
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.dataDir}/pgdata`;
    log.info(`XAT listening on http://localhost:${config.port} — database: ${where}`);
    // Last, so it is the first thing read after a successful start rather than lost above an error.
    for (const line of bootstrapped.lines) console.log(line);
  } catch (err) {
    await close().catch(() => undefined);
    // Never lost: the first admin exists now, and this start's error is what the operator reads.
    if (bootstrapped?.passwordFile) console.error(`xat: the first admin's password is in ${bootstrapped.passwordFile}`);
    throw err;
  }
}
