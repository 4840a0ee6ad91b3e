import { LOAD_LEVELS } from '@xat/contracts';
import { useEffect, useRef, useState } from 'react';
import { formatNumber } from '../../lib/format.ts';
import type { SeriesSpec } from './chart-options.ts';

interface Props {
  series: readonly (SeriesSpec & { units: readonly number[] })[];
  height?: number;
}

/** "Nice" axis maximum and step: 0, 50, 100 … above the largest value. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  return { top: Math.ceil(max / step) * step, step };
}

/** Grouped bars: for each utilization level, one bar per server (SVG, so it scales and stays crisp). */
export function LevelBars({ series, height = 280 }: Props) {
  // Drawn at the container's width, so the labels keep their size.
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(320, Math.round(el.clientWidth))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const left = 56;
  const bottom = 28;
  const top = 10;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = Math.max(0, ...series.flatMap((s) => s.units));
  const { top: yTop, step } = niceScale(max);
  const groupW = plotW / LOAD_LEVELS.length;
  const barW = Math.max(2, Math.min(22, (groupW * 0.8) / Math.max(1, series.length)));
  const y = (v: number) => top + plotH - (v / yTop) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= yTop + step / 2; v += step) ticks.push(v);
  return (
    <div ref={box}>
      <svg
        className="bars"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Work units per level: ${series.map((s) => s.label).join(', ')}`}
      >
        {ticks.map((v) => (
          <g key={v}>
            <line className="gridline" x1={left} x2={width - 8} y1={y(v)} y2={y(v)} />
            <text x={left - 6} y={y(v) + 4} textAnchor="end">
              {formatNumber(v, 0)}
            </text>
          </g>
        ))}
        {LOAD_LEVELS.map((level, li) => {
          const gx = left + li * groupW + (groupW - barW * series.length) / 2;
          return (
            <g key={level}>
              {series.map((s, si) => {
                const v = s.units[li] ?? 0;
                return (
                  <rect
                    key={s.label}
                    x={gx + si * barW}
                    y={y(v)}
                    width={barW - 1}
                    height={Math.max(0, top + plotH - y(v))}
                    fill={s.color}
                    rx={1.5}
                  >
                    <title>{`${s.label} at ${level} %: ${formatNumber(v, 0)} units`}</title>
                  </rect>
                );
              })}
              <text x={left + li * groupW + groupW / 2} y={height - 8} textAnchor="middle">
                {level} %
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
