/** A suite result for people: a table per benchmark (median, spread, each repeat) and the verdict with its reasons. */
import { type SuiteResult, suiteMetric } from '@xat/contracts';

const fmt = (v: number | null | undefined) => {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  return abs >= 1000
    ? Math.round(v).toString()
    : abs >= 100
      ? v.toFixed(1)
      : abs >= 1
        ? v.toFixed(2)
        : v.toPrecision(3);
};

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
}

export function suiteText(r: SuiteResult): string {
  const out: string[] = [];
  const rec = r.record;
  out.push(
    `${rec.cpu_model}, ${rec.vcpus} vCPUs (${rec.effective_cpus ?? '?'} effective), kernel ${rec.kernel}, hypervisor ${rec.hypervisor ?? 'unknown'}, SMT ${rec.smt === null ? 'unknown' : rec.smt ? 'on' : 'off'}, NUMA nodes ${rec.numa_nodes ?? '?'}, governor ${rec.governor ?? 'none'}`,
  );
  for (const b of r.benchmarks) {
    out.push('', `${b.name}${b.engine ? ` (${b.engine})` : ''}: ${b.error ? 'could not run' : b.validity}`);
    if (b.error) {
      out.push(`  ${b.error}`);
      continue;
    }
    const rows = [['  metric', 'median', 'unit', 'CV %', 'repeats']];
    for (const [key, s] of Object.entries(b.metrics)) {
      const def = suiteMetric(key);
      rows.push([
        `  ${def?.label ?? key}`,
        fmt(s.median),
        def?.unit ?? '',
        s.cv_pct === null ? '–' : s.cv_pct.toFixed(1),
        s.values.map(fmt).join(' '),
      ]);
    }
    out.push(table(rows));
    if (b.curve && b.curve.length > 1)
      out.push(`  units/s by busy workers: ${b.curve.map((p) => `${p.workers}: ${fmt(p.units_per_s)}`).join(', ')}`);
  }
  out.push('', `Verdict: ${r.validity}${r.validity_reasons.length ? ':' : ''}`);
  for (const reason of r.validity_reasons) out.push(`  - ${reason.severity}: ${reason.message}`);
  return `${out.join('\n')}\n`;
}
