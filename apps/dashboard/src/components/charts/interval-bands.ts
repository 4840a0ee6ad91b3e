import type uPlot from 'uplot';
import { withAlpha } from './palette.ts';

/** A shaded band from `low` to `high` around a curve (the 95 % interval of each level's mean), nulls where unknown. */
export interface IntervalBand {
  color: string;
  median: readonly (number | null)[];
  low: readonly (number | null)[];
  high: readonly (number | null)[];
}

const isNumber = (v: number | null | undefined): v is number => typeof v === 'number';

/**
 * A drawClear hook that fills each band under the grid and the curves, over every stretch of consecutive x where
 * both ends are known. It leaves on the chart's root how many bands it drew and, for the first, a point inside it
 * (canvas pixels between the curve and the band's top, between two levels): what a browser test reads the canvas at.
 */
export function bandsHook(bands: readonly IntervalBand[]): (u: uPlot) => void {
  return (u) => {
    const xs = u.data[0] as readonly number[];
    const { ctx } = u;
    const px = (x: number, y: number): [number, number] => [u.valToPos(x, 'x', true), u.valToPos(y, 'y', true)];
    let drawn = 0;
    let probe: string | undefined;
    ctx.save();
    for (const band of bands) {
      ctx.fillStyle = withAlpha(band.color, 0.2);
      let run: number[] = [];
      const flush = () => {
        if (run.length >= 2) {
          ctx.beginPath();
          run.forEach((i, k) => {
            const [x, y] = px(xs[i] ?? 0, band.high[i] ?? 0);
            if (k === 0) ctx.moveTo(x, y);
            else ctx.lineTo(x, y);
          });
          for (const i of [...run].reverse()) ctx.lineTo(...px(xs[i] ?? 0, band.low[i] ?? 0));
          ctx.closePath();
          ctx.fill();
          drawn++;
          const [a, b] = run.slice(-2) as [number, number];
          const [m0, m1, h0, h1] = [band.median[a], band.median[b], band.high[a], band.high[b]];
          if (probe === undefined && isNumber(m0) && isNumber(m1) && isNumber(h0) && isNumber(h1)) {
            const x = ((xs[a] ?? 0) + (xs[b] ?? 0)) / 2;
            const [cx, cy] = px(x, ((m0 + m1) / 2 + (h0 + h1) / 2) / 2);
            probe = `${Math.round(cx)},${Math.round(cy)}`;
          }
        }
        run = [];
      };
      xs.forEach((_, i) => {
        if (isNumber(band.low[i]) && isNumber(band.high[i])) run.push(i);
        else flush();
      });
      flush();
    }
    ctx.restore();
    u.root.dataset.bands = String(drawn);
    if (probe) u.root.dataset.bandProbe = probe;
    else delete u.root.dataset.bandProbe;
  };
}
