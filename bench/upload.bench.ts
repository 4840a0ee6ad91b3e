/**
 * A large uploaded file and the other requests (`npm run bench -- upload`): the longest the event loop is held while
 * a 100 MB collection and a 40 MB portal CSV are read into samples, in one pass (chainRounds / parsePortalCsv, as
 * before) and a slice at a time (parseCollectionFile, as the server reads uploads now), side by side in one run.
 * Every request of every tenant waits behind the longest hold; the total time says what slicing costs.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseCollection } from '@xat/procfs';
import { parseCollectionFile } from '../apps/server/src/modules/metrics/ingest/collection-file.ts';
import { parsePortalCsv } from '../apps/server/src/modules/metrics/ingest/portal-csv.ts';
import { chainRounds } from '../apps/server/src/modules/metrics/ingest/raw-rounds.ts';
import { machine, writeSection } from './report.ts';

const FIXTURE = new URL('../fixtures/pcc/loadtest-cpuinfo/', import.meta.url).pathname;
const REPEATS = 3;
const all = () => true;

/** The fixture recording repeated until its text is about `bytes` long, each copy after the one before. */
function bigCollection(bytes: number): string {
  const rounds = parseCollection(readFileSync(`${FIXTURE}loadtest-cpuinfo.json`, 'utf8')).measurements;
  const stamps = rounds.map((m) => m.timestamp);
  const span = Math.max(...stamps) - Math.min(...stamps) + 5;
  const copy = (k: number) => rounds.map((m) => JSON.stringify({ ...m, timestamp: m.timestamp + k * span })).join('\n');
  const one = copy(0).length + 1;
  return `${Array.from({ length: Math.ceil(bytes / one) }, (_, k) => copy(k)).join('\n')}\n`;
}

function bigCsv(bytes: number): string {
  const [header, ...rows] = readFileSync(`${FIXTURE}loadtest-cpuinfo-portal.csv`, 'utf8').split('\n').filter(Boolean);
  const first = Number(rows[0]?.split(',')[0]);
  const lines: string[] = [header ?? ''];
  for (let i = 0, size = 0; size < bytes; i++) {
    const cells = (rows[i % rows.length] ?? '').split(',');
    cells[0] = String(first + i * 5);
    const line = cells.join(',');
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** Wall time and the longest event-loop delay (what a request arriving meanwhile waits at worst), in ms. */
async function measure(work: () => unknown): Promise<{ ms: number; holdMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  h.disable();
  return { ms, holdMs: h.max / 1e6 };
}

const best = (xs: { ms: number; holdMs: number }[]) => ({
  ms: Math.min(...xs.map((x) => x.ms)),
  holdMs: Math.min(...xs.map((x) => x.holdMs)),
});

export async function benchUpload(): Promise<void> {
  const files = [
    {
      name: 'pcc collection, 100 MB',
      text: bigCollection(100e6),
      onePass: (t: string) => chainRounds(parseCollection(t).measurements, undefined, all),
    },
    { name: 'portal CSV, 40 MB', text: bigCsv(40e6), onePass: (t: string) => parsePortalCsv(t) },
  ];
  const rows: string[] = [];
  let worstHold = 0;
  for (const file of files) {
    const one: { ms: number; holdMs: number }[] = [];
    const sliced: { ms: number; holdMs: number }[] = [];
    // Interleaved, so drift of the machine falls on both alike.
    for (let i = 0; i < REPEATS; i++) {
      one.push(await measure(() => file.onePass(file.text)));
      sliced.push(await measure(() => parseCollectionFile(file.text, all)));
    }
    const a = best(one);
    const b = best(sliced);
    worstHold = Math.max(worstHold, b.holdMs);
    const line =
      `| ${file.name} | ${a.ms.toFixed(0)} ms | ${a.holdMs.toFixed(0)} ms | ${b.ms.toFixed(0)} ms | ` +
      `${b.holdMs.toFixed(0)} ms | ${(b.ms / a.ms).toFixed(2)}× | ${(a.holdMs / Math.max(1, b.holdMs)).toFixed(0)}× shorter |`;
    console.log(line);
    rows.push(line);
  }
  writeSection(
    'upload',
    `## A large upload and everyone else's requests

\`npm run bench -- upload\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}. Best of ${REPEATS}, one pass and
slices interleaved. "Longest hold" is the longest the event loop was busy without a break (monitorEventLoopDelay):
what any other request, of any tenant, waits at worst while the file is read. Target: no hold past 100 ms.

| file | one pass | longest hold | a slice at a time | longest hold | time, sliced ÷ one pass | hold |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Target ${worstHold <= 100 ? '**met**' : '**missed**'}: the longest hold a slice at a time is ${worstHold.toFixed(0)} ms.`,
  );
}
