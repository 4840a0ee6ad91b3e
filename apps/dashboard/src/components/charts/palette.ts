/** Chart colours from the theme's custom properties, read when a chart is built (charts are rebuilt on theme change). */
export interface ChartPalette {
  axis: string;
  grid: string;
  text: string;
  surface: string;
  gap: string;
  /** Marked stretches (load-test windows). */
  mark: string;
  danger: string;
}

export function readPalette(el: Element = document.documentElement): ChartPalette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    axis: v('--axis', '#5c6370'),
    grid: v('--grid', 'rgba(0,0,0,0.07)'),
    text: v('--text', '#171a21'),
    surface: v('--surface', '#ffffff'),
    gap: v('--gap-fill', 'rgba(220,38,38,0.06)'),
    mark: v('--mark-fill', 'rgba(37,99,235,0.22)'),
    danger: v('--danger', '#c62828'),
  };
}

/** "#3b82f6" → "rgba(59,130,246,0.25)". */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m?.[1]) return hex;
  const n = Number.parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
