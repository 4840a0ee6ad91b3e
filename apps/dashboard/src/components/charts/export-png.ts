import type uPlot from 'uplot';
import type { SeriesSpec } from './chart-options.ts';
import { readPalette } from './palette.ts';

/** The chart's canvas with a title and a legend on the theme's background, as a PNG. */
export function chartToPng(chart: uPlot, title: string, series: readonly SeriesSpec[]): Promise<Blob> {
  const source = chart.ctx.canvas;
  const ratio = source.width / Math.max(1, chart.width);
  const pad = 16 * ratio;
  const titleH = 28 * ratio;
  const legendRows = Math.ceil(series.length / 4);
  const legendH = legendRows * 20 * ratio + pad;
  const canvas = document.createElement('canvas');
  canvas.width = source.width + 2 * pad;
  canvas.height = source.height + titleH + legendH + 2 * pad;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('This browser cannot draw the image.'));
  const palette = readPalette();
  ctx.fillStyle = palette.surface;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = palette.text;
  ctx.font = `600 ${14 * ratio}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, pad, pad);
  ctx.drawImage(source, pad, pad + titleH);
  ctx.font = `${12 * ratio}px system-ui, sans-serif`;
  const colW = (canvas.width - 2 * pad) / 4;
  series.forEach((s, i) => {
    const x = pad + (i % 4) * colW;
    const y = pad + titleH + source.height + pad / 2 + Math.floor(i / 4) * 20 * ratio;
    ctx.fillStyle = s.color;
    ctx.fillRect(x, y + 2 * ratio, 10 * ratio, 10 * ratio);
    ctx.fillStyle = palette.text;
    ctx.fillText(s.label, x + 16 * ratio, y);
  });
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The image could not be made.'))), 'image/png'),
  );
}
