import type { LevelResult, Progress } from './controller.ts';

/** The level's other conditions, where measured and not nil. */
const conditions = (r: LevelResult) =>
  [
    r.steal_pct > 0 ? `steal ${r.steal_pct.toFixed(1)}%` : '',
    r.throttled_pct ? `throttled ${r.throttled_pct.toFixed(0)}% of periods` : '',
    r.freq_mhz ? `${r.freq_mhz} MHz` : '',
  ]
    .filter(Boolean)
    .map((t) => `, ${t}`)
    .join('');

/** Progress for people: a bar redrawn in place on a terminal, one plain line per level otherwise (logs, pipes). */
export function createProgress(write: (text: string) => void, isTTY: boolean, levels: number) {
  let done = 0;
  let lastDraw = 0;
  return {
    update(p: Progress) {
      if (!isTTY) return;
      const now = Date.now();
      if (now - lastDraw < 200) return;
      lastDraw = now;
      const width = 20;
      const filled = Math.round((done / levels) * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      const left = Math.ceil(p.totalMsLeft / 1000);
      write(`\r[${bar}] level ${p.level}%  achieved ${p.achieved.toFixed(1)}%  ${left} s left   `);
    },
    level(r: LevelResult) {
      done++;
      const line = `level ${String(r.utilization).padStart(3)}%: ${r.work_units.toFixed(2)} units/s at ${r.achieved_utilization.toFixed(2)}% load (machine ${r.machine_utilization.toFixed(2)}% busy, other processes ${r.other_utilization.toFixed(1)}%${conditions(r)}, ${r.seconds} s)`;
      write(isTTY ? `\r${line}${' '.repeat(20)}\n` : `${line}\n`);
    },
  };
}
