import type { Config } from './config.ts';

/** A start that failed for a reason the operator can fix: one line saying what and how, never a stack trace. */
export class StartError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StartError';
  }
}

interface SystemError {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  message?: unknown;
  hint?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/**
 * The error that carries a code: the error itself, the first of several (a host name resolving to two addresses fails
 * twice), or its cause (Drizzle wraps the driver's error).
 */
function coded(err: unknown, depth = 0): SystemError | undefined {
  const e = err as SystemError | undefined;
  if (!e || typeof e !== 'object' || depth > 3) return undefined;
  if (typeof e.code === 'string') return e;
  if (Array.isArray(e.errors)) return coded(e.errors[0], depth + 1);
  return coded(e.cause, depth + 1);
}

const codeOf = (err: unknown) => coded(err)?.code as string | undefined;

const messageOf = (err: unknown) => String((err as SystemError | undefined)?.message ?? err).split('\n')[0] ?? '';

/** A file-system error (it names the path): the data directory cannot be created, written or locked. */
export function dataDirError(err: unknown): StartError | undefined {
  const e = err as SystemError | undefined;
  if (typeof e?.path !== 'string' || typeof e.syscall !== 'string') return undefined;
  return new StartError(`the data directory (DATA_DIR) cannot be used: ${messageOf(err)}`, {
    cause: err,
  });
}

/** user@host:port/database, never the password. */
function whereIs(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is PostgreSQL running and listening there?',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS unavailable)',
  ETIMEDOUT: 'no answer (a firewall, or the wrong host)',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was closed by the other side (TLS required, or not PostgreSQL?)',
};

/** Opening or migrating the database failed: unreachable, refused our credentials, or refused the migrations. */
export function databaseError(config: Config, err: unknown): Error {
  if (!config.databaseUrl) return dataDirError(err) ?? (err as Error);
  const code = codeOf(err);
  const message = messageOf(err);
  let reason: string | undefined = code ? NETWORK_REASONS[code] : undefined;
  if (!reason && /timeout/i.test(message)) reason = 'no answer within the connection timeout';
  // SQLSTATE classes 28 (credentials), 3D (no such database), 42501 (privileges), 53/57 (not accepting connections),
  // P0001 (a migration refusing, e.g. a role it may not create): PostgreSQL's own message, and its hint.
  if (!reason && code && /^(28|3D|42501|53|57|P0001)/.test(code)) {
    const pgError = coded(err);
    reason = `${messageOf(pgError)}${typeof pgError?.hint === 'string' ? ` (${pgError.hint})` : ''}`;
  }
  if (!reason) return err as Error;
  let where = `${whereIs(config.databaseUrl)} (DATABASE_URL)`;
  if (config.databaseOwnerUrl) where += ` or ${whereIs(config.databaseOwnerUrl)} (DATABASE_OWNER_URL)`;
  return new StartError(`cannot use PostgreSQL at ${where}: ${reason}`, { cause: err });
}

/** `listen` failed: the port is taken or privileged, or HOST is no address of this machine. */
export function listenError(config: Config, err: unknown): Error {
  const { host, port } = config;
  const fail = (message: string) => new StartError(message, { cause: err });
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return fail(`port ${port} is already in use on ${host}: stop the process using it, or set PORT`);
    case 'EACCES':
      return fail(`port ${port} needs privileges on this system: set PORT to 1024 or above`);
    case 'EADDRNOTAVAIL':
      return fail(`HOST=${host} is not an address of this machine: set HOST to one of its addresses, or 0.0.0.0`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`HOST=${host} does not resolve to an address: set HOST to an IP address, or 0.0.0.0`);
    default:
      return fail(`cannot listen on ${host}:${port}: ${messageOf(err)}`);
  }
}
