/** Test support: real load on the machine, for the agent's "the machine is busy" paths. */
import { type ChildProcess, spawn } from 'node:child_process';

/** Busy loops, one process each (not a mock: real processes competing for the CPUs). */
export function startHogs(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/** Kills the hogs (SIGKILL) and waits until every one has exited. */
export async function stopHogs(hogs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    hogs.map(
      (h) =>
        new Promise((resolve) => {
          if (h.exitCode !== null || h.signalCode !== null) return resolve(undefined);
          h.once('exit', resolve);
          h.kill('SIGKILL');
        }),
    ),
  );
}
