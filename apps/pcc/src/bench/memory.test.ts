/**
 * The memory benchmark against a C reference loop (bench/native/membw.c) compiled here with gcc: the same buffer size, the same three
 * operations counted the same way (read: 32-bit words summed in four accumulators; write: a store loop; copy: memcpy
 * of one half onto the other, bytes read plus written). Ours must land within 0.2× – 3× of C on this machine; the
 * ratios are printed. The machine is shared with other tests: the C loop runs before and after ours, its mean is the
 * reference.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCpuLimits } from '../cpus/effective-cpus.ts';
import { rootReader } from '../specs/read.ts';
import { sharedMachineOptions, suiteWorkDir } from '../testing/bench-suite.ts';
import { repoPath } from '../testing/paths.ts';
import { memoryBufferBytes } from './memory.ts';
import { runSuite } from './suite.ts';

const work = suiteWorkDir('pcc-bench-memory-');

function cReference(bytes: number): Record<string, number> {
  const binary = join(work, 'membw');
  execFileSync('gcc', ['-O3', '-o', binary, repoPath('bench', 'native', 'membw.c')]);
  const runs = [0, 1].map(() => execFileSync(binary, [String(bytes), '1'], { encoding: 'utf8' }));
  const out: Record<string, number> = {};
  for (const text of runs)
    for (const [, op, value] of text.matchAll(/^(\w+) ([\d.]+)$/gm))
      out[op as string] = (out[op as string] ?? 0) + Number(value) / runs.length;
  return out;
}

describe('memory bandwidth', () => {
  it('read, write and copy on one thread within 0.2× – 3× of a C loop over the same buffer; all threads too', async () => {
    const limits = detectCpuLimits(rootReader('/'), cpus().length);
    const bytes = memoryBufferBytes(rootReader('/'), Math.ceil(limits.effective_cpus));
    const before = cReference(bytes);
    const result = await runSuite(sharedMachineOptions(work, { benchmarks: ['memory'], stepSeconds: 1 }));
    const after = cReference(bytes);
    const [memory] = result.benchmarks;
    expect(memory?.error).toBeUndefined();
    expect(memory?.engine).toContain(`buffer ${bytes / 2 ** 20} MiB`);
    const lines: string[] = [];
    for (const op of ['read', 'write', 'copy']) {
      const ours = memory?.metrics[`memory.${op}_gbps_1t`]?.median ?? 0;
      const c = ((before[op] ?? 0) + (after[op] ?? 0)) / 2;
      const ratio = ours / c;
      lines.push(`${op}: ours ${ours.toFixed(2)} GB/s, C ${c.toFixed(2)} GB/s, ratio ${ratio.toFixed(2)}`);
      expect(ratio, lines.at(-1)).toBeGreaterThan(0.2);
      expect(ratio, lines.at(-1)).toBeLessThan(3);
      // All threads move at least what a little of one thread does (more where the cores have bandwidth to spare).
      expect(memory?.metrics[`memory.${op}_gbps_all`]?.median, op).toBeGreaterThan(ours * 0.5);
    }
    console.log(`memory bandwidth against the C loop (${bytes / 2 ** 20} MiB):\n  ${lines.join('\n  ')}`);
  }, 60_000);
});
