import { buildApp } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { rejudgeLoadTestsForAllTenants } from './modules/loadtests/rejudge.ts';
import { bootstrapDefaultTenant } from './modules/tenants/bootstrap.ts';

/** Opens the database, migrates, bootstraps, listens; closes gracefully on SIGINT/SIGTERM. */
export async function serve(config: Config = loadConfig()): Promise<void> {
  const database = await openDatabase(config);
  await database.migrate();
  // Verdicts reached with older rules (or none, before 0004) are judged again with today's, once per start.
  await rejudgeLoadTestsForAllTenants(database.db);
  await bootstrapDefaultTenant(database.db, config, (line) => console.log(line));
  const app = await buildApp({ config, database });
  // Survived, not fatal: requests meanwhile answer 503 and the pool reconnects when PostgreSQL is back.
  database.onConnectionError((err) => app.log.warn({ err }, 'database connection lost'));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.dataDir}/pgdata`;
  app.log.info(`XAT listening on http://localhost:${config.port} — database: ${where}`);
}
