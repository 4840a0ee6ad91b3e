/** Test support: runs the real agent (the sources through bin/pcc.mjs, or a built bundle) as a child process. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pccPath } from './paths.ts';

// An empty config file, so a real /etc/pcc/config.json on the machine never leaks into a test.
const EMPTY_CONFIG = join(mkdtempSync(join(tmpdir(), 'pcc-config-')), 'config.json');
writeFileSync(EMPTY_CONFIG, '{}\n');

export const PCC_BIN = pccPath('bin', 'pcc.mjs');

export interface PccResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child agent: nothing of the caller's PCC_* settings, no real /etc/pcc/config.json. */
export function agentEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PCC_')) clean[k] = v;
  return { ...clean, PCC_CONFIG: EMPTY_CONFIG, ...env };
}

export function runPcc(
  args: string[],
  env: Record<string, string> = {},
  opts: { timeoutMs?: number; entry?: string } = {},
): Promise<PccResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [opts.entry ?? PCC_BIN, ...args],
      { env: agentEnv(env), timeout: opts.timeoutMs ?? 30_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

/** A long-running agent (pcc run): its output so far, and a SIGTERM that resolves with the exit code. */
export function startPcc(args: string[], env: Record<string, string>, entry = PCC_BIN) {
  const child: ChildProcess = spawn(process.execPath, [entry, ...args], { env: agentEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => ({ stdout, stderr }),
    async stop(): Promise<number | null> {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** JSON log lines of an agent's stderr. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
