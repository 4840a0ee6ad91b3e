import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface Props {
  /** Builds the options for a width; called again only when `optionsKey` changes. */
  options: (width: number) => uPlot.Options;
  optionsKey: string;
  data: uPlot.AlignedData;
  /** The chart's accessible name: what it shows. */
  label: string;
  onChart?: (chart: uPlot | null) => void;
}

/** A uPlot canvas that follows its container's width; new data is swapped in without rebuilding the chart. */
export function UPlotChart({ options, optionsKey, data, label, onChart }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef({ options, data, onChart });
  latest.current = { options, data, onChart };

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the options' key changes (the options themselves are read through `latest`); new data goes through setData below.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth);
    const u = new uPlot(latest.current.options(width), latest.current.data, el);
    chart.current = u;
    latest.current.onChart?.(u);
    const observer = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: u.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      latest.current.onChart?.(null);
      u.destroy();
      chart.current = null;
    };
  }, [optionsKey]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
