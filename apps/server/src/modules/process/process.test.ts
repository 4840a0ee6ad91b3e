import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../test/helpers.ts';
import { type ProcessIo, runProcessCommand } from './process.command.ts';

const FILES = ['proc/stat', 'proc/meminfo', 'proc/net/dev', 'proc/diskstats', 'statfs_ALL'];
const work = mkdtempSync(join(tmpdir(), 'xat-process-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let dirs = 0;
const newDir = () => join(work, `out-${++dirs}`);
const sortLines = (text: string) => text.split('\n').sort().join('\n');

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: ProcessIo = { env, out: (l) => out.push(l), err: (l) => err.push(l) };
  return { io: value, out, err };
}

function expectReferenceFiles(recording: string, outdir: string, files: string[]) {
  for (const path of files) {
    const reference = readFileSync(fixturePath('pcc', recording, 'csv', path), 'utf8');
    expect(sortLines(readFileSync(join(outdir, path), 'utf8')), `${recording}/${path}`).toBe(sortLines(reference));
  }
}

describe('xat process (pcprocess drop-in)', () => {
  it.each([
    ['sys-info-test', FILES],
    ['loadtest-cpuinfo', [...FILES, 'system_info.json']],
  ])('%s: writes the reference files', async (recording, files) => {
    const outdir = newDir();
    const run = io();
    const input = fixturePath('pcc', recording, `${recording}.json`);
    expect(await runProcessCommand(['--input', input, '--outdir', outdir], run.io)).toBe(0);
    expectReferenceFiles(recording, outdir, files);
    expect(existsSync(join(outdir, 'system_info.json'))).toBe(files.includes('system_info.json'));
    expect(run.out.join('\n')).toContain(`Wrote ${files.length} files`);
  });

  it('accepts gzip input (by its magic bytes, whatever the name) and the PCR_* variables', async () => {
    const gz = join(work, 'collection.data');
    writeFileSync(gz, gzipSync(readFileSync(fixturePath('pcc/loadtest-cpuinfo/loadtest-cpuinfo.json'))));
    const outdir = newDir();
    const run = io({ PCR_COLLECTION: gz, PCR_OUTDIR: outdir });
    expect(await runProcessCommand([], run.io)).toBe(0);
    expectReferenceFiles('loadtest-cpuinfo', outdir, [...FILES, 'system_info.json']);
  });

  it('prefers the flags over the variables', async () => {
    const outdir = newDir();
    const input = fixturePath('pcc/sys-info-test/sys-info-test.json');
    const run = io({ PCR_COLLECTION: join(work, 'nope.json'), PCR_OUTDIR: join(work, 'unused') });
    expect(await runProcessCommand(['--input', input, '--outdir', outdir], run.io)).toBe(0);
    expect(existsSync(join(work, 'unused'))).toBe(false);
    expectReferenceFiles('sys-info-test', outdir, ['proc/stat']);
  });

  it('exits 1 with a clear message for a missing file, a damaged gzip and a file without measurements', async () => {
    const missing = io();
    expect(await runProcessCommand(['--input', join(work, 'missing.json'), '--outdir', newDir()], missing.io)).toBe(1);
    expect(missing.err.join('\n')).toMatch(/input file not found: .*missing\.json/);

    const damaged = join(work, 'damaged.json.gz');
    writeFileSync(damaged, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    const bad = io();
    expect(await runProcessCommand(['-i', damaged, '-o', newDir()], bad.io)).toBe(1);
    expect(bad.err.join('\n')).toContain('cannot be decompressed');

    const garbage = join(work, 'garbage.json');
    writeFileSync(garbage, 'timestamp,cpu\n1,2\n');
    const none = io();
    expect(await runProcessCommand(['-i', garbage, '-o', newDir()], none.io)).toBe(1);
    expect(none.err.join('\n')).toContain('no pcc measurements');
  });

  it('exits 2 on usage errors and 0 for --help', async () => {
    const nothing = io();
    expect(await runProcessCommand([], nothing.io)).toBe(2);
    expect(nothing.err.join('\n')).toContain('missing --input (or PCR_COLLECTION) and --outdir (or PCR_OUTDIR)');
    const unknown = io();
    expect(await runProcessCommand(['--input', 'a', '--outdir', 'b', '--fast'], unknown.io)).toBe(2);
    expect(unknown.err.join('\n')).toContain('--fast');
    const stray = io();
    expect(await runProcessCommand(['collection.json'], stray.io)).toBe(2);
    const help = io();
    expect(await runProcessCommand(['--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('Usage: xat process');
  });
});
