#!/usr/bin/env node
/** pcc's entry point: parse, run one command, exit with its code. SIGTERM/SIGINT ask the command to stop cleanly. */
import { runCli } from './cli.ts';

const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // A second signal means "now".
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  });
}

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
  signal: stop.signal,
});
// Exit once stdout is flushed (a pipe is written asynchronously), without waiting for idle keep-alive sockets.
process.stdout.write('', () => process.exit(code));
