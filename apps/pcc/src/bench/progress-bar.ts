/** `pcc bench`'s progress on stderr: a bar redrawn in place on a terminal, one plain line per message otherwise. */
import type { JobProgress } from '@xat/contracts';

export function createProgressBar(write: (text: string) => void, isTTY: boolean) {
  let last = '';
  let drawn = 0;
  return {
    update(p: JobProgress) {
      if (!isTTY) {
        if (p.message !== last) write(`[${p.step}/${p.steps}] ${p.message}\n`);
        last = p.message;
        return;
      }
      const now = Date.now();
      if (now - drawn < 100 && p.message === last) return;
      drawn = now;
      last = p.message;
      const width = 20;
      const filled = p.steps > 0 ? Math.round((p.step / p.steps) * width) : 0;
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.step}/${p.steps} ${Math.round(p.elapsed_seconds)} s  ${p.message}`;
      write(`\r${line.slice(0, 119).padEnd(120)}`);
    },
    done() {
      if (isTTY && drawn > 0) write('\n');
    },
  };
}
