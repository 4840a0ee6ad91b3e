import { CLOCK_SKEW_TOLERANCE_SECONDS } from '@xat/contracts';
import { formatDuration, formatNumber } from './format.ts';

/** Past the server's tolerance the agent's clock is wrong: the server moves its samples by the skew as they arrive. */
export const isClockSkewed = (skew: number | null): skew is number =>
  skew !== null && Math.abs(skew) > CLOCK_SKEW_TOLERANCE_SECONDS;

const sizeOf = (skew: number) =>
  Math.abs(skew) < 60 ? `${formatNumber(Math.abs(skew), 1)} s` : formatDuration(Math.abs(skew));

/** The agent's clock against the server's: "—" (never measured), "in step (0.4 s ahead)", "5 min 12 s behind". */
export function formatClockSkew(skew: number | null): string {
  if (skew === null) return '—';
  if (skew === 0) return 'in step';
  const side = `${sizeOf(skew)} ${skew > 0 ? 'ahead' : 'behind'}`;
  return isClockSkewed(skew) ? side : `in step (${side})`;
}

/** The warning beside a wrong clock: how far, which way, what the server does about it, and the fix. */
export function clockSkewWarning(skew: number): string {
  return (
    `This server's clock is ${sizeOf(skew)} ${skew > 0 ? 'ahead of' : 'behind'} the XAT server's. Its samples are ` +
    'moved by that much as they arrive, so the charts stay right; its own logs and timestamps stay wrong until its ' +
    'clock is synchronised (timedatectl set-ntp true).'
  );
}

/** Samples the agent had to drop, in words: none is the good news. */
export const formatDropped = (dropped: number): string =>
  dropped === 0 ? 'none' : `${formatNumber(dropped, 0)} (gaps in the charts)`;
