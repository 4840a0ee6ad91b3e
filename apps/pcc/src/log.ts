/** JSON-lines logs on stderr: one object per line, `time`, `level`, `msg`, then fields. */

export const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

export function createLogger(level: Level = 'info', write: (line: string) => void = stderrWrite): Logger {
  const min = LEVELS.indexOf(level);
  const emit = (at: Level) => (msg: string, fields?: Fields) => {
    if (LEVELS.indexOf(at) < min) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...serialize(fields) })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that drops everything (one-shot commands that print for people instead). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function stderrWrite(line: string): void {
  process.stderr.write(line);
}

// Errors do not survive JSON.stringify; keep what helps: message and code.
function serialize(fields: Fields | undefined): Fields | undefined {
  if (!fields) return undefined;
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? {
            message: value.message,
            ...((value as NodeJS.ErrnoException).code ? { code: (value as NodeJS.ErrnoException).code } : {}),
          }
        : value;
  }
  return out;
}
