import { readFileSync } from 'node:fs';
import { COLLECTION_SLICE_CHARS, lineSlices, parseCollection, type RawMeasurement } from '@xat/procfs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../test/helpers.ts';
import { chainFileRounds, parseCollectionFile } from './collection-file.ts';
import { PortalCsvReader, parsePortalCsv } from './portal-csv.ts';
import { chainRounds, MAX_CHAIN_SECONDS } from './raw-rounds.ts';

const read = (name: string, file: string) => readFileSync(fixturePath('pcc', name, file), 'utf8');
const all = () => true;
const recording = parseCollection(read('loadtest-cpuinfo', 'loadtest-cpuinfo.json')).measurements;

/** The recording's rounds again `times` times, each copy later by the recording's length plus a gap. */
function repeated(times: number, gap: number): RawMeasurement[] {
  const stamps = recording.map((m) => m.timestamp);
  const span = Math.max(...stamps) - Math.min(...stamps) + gap;
  return Array.from({ length: times }, (_, k) =>
    recording.map((m) => ({ ...m, timestamp: m.timestamp + k * span })),
  ).flat();
}

/** Counts the turns of the event loop other work got while `work` ran. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const result = await work();
  running = false;
  return { result, turns };
}

describe('a collection file read a slice at a time', () => {
  it('chains to the same samples as all the rounds at once, whatever the slice size', async () => {
    // Copies 10 s apart chain across the copies; a copy past MAX_CHAIN_SECONDS starts afresh; lines out of order; a
    // round of garbage and a round of cpuinfo alone in the middle, a bad /proc/stat inside a good round.
    const rounds = [
      ...repeated(3, 10),
      ...repeated(2, MAX_CHAIN_SECONDS + 1).map((m) => ({ ...m, timestamp: m.timestamp + 100_000 })),
    ].reverse();
    const at = rounds[40]?.timestamp ?? 0;
    const cpuinfo = recording.find((m) => m.subsystem === '/proc/cpuinfo');
    rounds.splice(
      40,
      0,
      { timestamp: at, subsystem: '/proc/stat', measurement: 'garbage' },
      { timestamp: at + 1, subsystem: '/proc/stat', measurement: 'garbage' },
      { timestamp: at + 2, subsystem: '/proc/cpuinfo', measurement: cpuinfo?.measurement ?? '' },
    );
    const whole = chainRounds(rounds, undefined, all);
    expect(whole.samples.length).toBeGreaterThan(40);
    expect(whole.unparseable).toBe(2);
    for (const size of [1, 2, 7, 1000]) {
      const sliced = await chainFileRounds(rounds, size);
      expect(sliced.samples, `${size} rounds per slice`).toEqual(whole.samples);
      expect(sliced.timestamps).toEqual(whole.timestamps);
      expect(sliced.unparseable).toBe(whole.unparseable);
    }
  });

  it('lets other work run between slices of a large collection, and gives what one pass gives', async () => {
    const rounds = repeated(60, 10);
    const ndjson = `${rounds.map((m) => JSON.stringify(m)).join('\n')}\n`;
    expect(ndjson.length).toBeGreaterThan(4 * COLLECTION_SLICE_CHARS);
    const { result, turns } = await turnsDuring(() => parseCollectionFile(ndjson, all));
    expect(turns).toBeGreaterThan(4);
    const once = chainRounds(rounds, undefined, all);
    expect(result).toMatchObject({ kind: 'collection', records: once.accepted, skipped: 0, outOfRange: 0 });
    expect(result.samples).toEqual(once.samples);
  });

  it('reads a large portal CSV a slice at a time into the rows one pass gives', async () => {
    const [header, ...rows] = read('loadtest-cpuinfo', 'loadtest-cpuinfo-portal.csv').split(/\r?\n/).filter(Boolean);
    const first = Number(rows[0]?.split(',')[0]);
    const many = Array.from({ length: 40_000 }, (_, i) => {
      const cells = (rows[i % rows.length] ?? '').split(',');
      cells[0] = String(first + i * 5);
      return cells.join(',');
    });
    const csv = `${header}\r\n${many.join('\r\n')}\r\nnot,a,row\r\n`;
    expect(csv.length).toBeGreaterThan(4 * COLLECTION_SLICE_CHARS);
    const { result, turns } = await turnsDuring(() => parseCollectionFile(csv, all));
    expect(turns).toBeGreaterThan(4);
    const once = parsePortalCsv(csv);
    expect(once.samples).toHaveLength(40_000);
    expect(result).toMatchObject({ kind: 'portal-csv', records: 40_000, skipped: 1 });
    expect(result.samples).toEqual(once.samples);
  });

  it('reads a portal CSV as the reference writes it: BOM, blank lines, CRLF, no last newline, whatever the slices', async () => {
    const csv = [
      '',
      '\uFEFFtimestamp,cpu_user,cpu_system,cpu_idle,cpu_iowait,cpu_steal,mem_total_kb,mem_used_kb,mem_free_kb,mem_cached_kb,disk_read_bytes,disk_write_bytes,net_rx_bytes,net_tx_bytes',
      '1767982263,1,2,90,3,4,100,60,40,20,512,1024,10,20',
      '',
      '1767982258,0.5,0.5,99,0,0,100,50,50,25,0,0,0,0',
      '1767982268,1,2,x,3,4,100,60,40,20,512,1024,10,20',
      '1767982273,2,1,95,1,1,100,70,30,20,0,2048,5,6',
    ].join('\r\n');
    const host = (user: number, system: number, idle: number, iowait: number, steal: number, used: number) => ({
      cpu_user: user,
      cpu_system: system,
      cpu_idle: idle,
      cpu_iowait: iowait,
      cpu_steal: steal,
      cpu_busy: 100 - idle,
      mem_used_kb: used,
    });
    const r = await parseCollectionFile(csv, all);
    expect(r).toMatchObject({ kind: 'portal-csv', records: 3, skipped: 1, start: 1767982258, end: 1767982273 });
    expect(r.samples).toMatchObject([
      { timestamp: 1767982258, host: host(0.5, 0.5, 99, 0, 0, 50) },
      { timestamp: 1767982263, interval_seconds: 5, host: { ...host(1, 2, 90, 3, 4, 60), disk_write_bps: 1024 } },
      { timestamp: 1767982273, interval_seconds: 10, host: { ...host(2, 1, 95, 1, 1, 70), net_tx_bps: 6 } },
    ]);
    for (const size of [1, 3, 17, 50]) {
      const reader = new PortalCsvReader();
      for (const slice of lineSlices(csv, size)) reader.add(slice);
      expect(reader.finish().samples, `slices of ${size}`).toEqual(r.samples);
    }
  });
});
