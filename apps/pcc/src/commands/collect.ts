import { appendFileSync } from 'node:fs';
import { formatRawLine, roundCollectors, takeRound } from '../collectors/round.ts';
import { sleep, ticks } from '../sampling/schedule.ts';
import { formatDuration } from '../units.ts';
import type { CommandContext } from './context.ts';

/**
 * `pcc collect`: the original raw format (REFERENCE 1.1) to a file, for hosts that cannot reach the server; rounds
 * at wall-clock multiples of the frequency, /proc/cpuinfo included as newer reference builds do. `pcc upload FILE`
 * sends it later.
 */
export async function collectCommand(ctx: CommandContext): Promise<number> {
  const { settings, log, signal } = ctx;
  const file = settings.collection;
  const collectors = roundCollectors({ cpuinfo: true });
  const end = Date.now() + settings.durationMs;
  log.info('collecting', {
    output: file,
    frequency: formatDuration(settings.intervalMs),
    duration: formatDuration(settings.durationMs),
  });
  let rounds = 0;
  for (const tick of ticks(settings.intervalMs, signal)) {
    if (tick > end) break;
    await sleep(tick - Date.now(), signal);
    if (signal.aborted) break;
    const round = takeRound(collectors, Math.round(tick / 1000), (subsystem, err) =>
      log.warn('collector failed', { subsystem, err }),
    );
    appendFileSync(file, round.map(formatRawLine).join(''));
    rounds++;
  }
  log.info('pcc collection complete', { output: file, rounds });
  return 0;
}
