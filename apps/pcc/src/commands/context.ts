import type { Logger } from '../log.ts';
import type { FlagValues, Settings } from '../settings.ts';

/** What every command gets from main: settings resolved once, output streams, and a signal for SIGTERM/SIGINT. */
export interface CommandContext {
  settings: Settings;
  flags: FlagValues;
  positionals: string[];
  log: Logger;
  /** For people and scripts (results, --json). */
  out: (text: string) => void;
  /** For people (progress, errors); logs go through `log`. */
  err: (text: string) => void;
  isTTY: boolean;
  signal: AbortSignal;
}

/** Exit codes of every command (documented in the README and `pcc --help`). */
export const EXIT = {
  done: 0,
  /** Something failed; one line on stderr says what. */
  failed: 1,
  /** Bad flags or settings. */
  usage: 2,
  /** `pcc loadtest`: a run was judged invalid (uploaded all the same: the server stores it as invalid). */
  invalid: 3,
  /** `pcc loadtest`: the machine never became quiet enough to start, and --force was not given. */
  notQuiet: 4,
} as const;

/** An error a command reports in one line and exits 1 with (no stack trace: it is not a bug). */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** The server's reason, from a DRF-style error body (`detail`, or the first field's first message). */
export function reasonOf(status: number, data: unknown, body: string): string {
  if (typeof data === 'object' && data !== null) {
    const d = data as Record<string, unknown>;
    if (typeof d.detail === 'string') return `${status}: ${d.detail}`;
    const first = Object.entries(d)[0];
    if (first && Array.isArray(first[1])) return `${status}: ${first[0]}: ${String(first[1][0])}`;
  }
  return `${status}: ${body.slice(0, 200) || 'no answer body'}`;
}
