import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parseCollection, processCollection } from '@xat/procfs';

const gunzipAsync = promisify(gunzip);

export const PROCESS_USAGE = `Usage: xat process --input <collection.json[.gz]> --outdir <dir>

A drop-in for pcprocess: reads a pcc raw collection (NDJSON, gzip accepted) and writes proc/stat, proc/meminfo,
proc/net/dev, proc/diskstats, statfs_ALL and, when /proc/cpuinfo was collected, system_info.json under <dir>.
Without the flags, pcprocess's variables are used: PCR_COLLECTION (input) and PCR_OUTDIR (output directory).

Exit status: 0 done, 1 the input could not be read or holds no measurements, 2 usage error.`;

export interface ProcessIo {
  /** Where PCR_COLLECTION / PCR_OUTDIR are looked up (the CLI passes the process environment). */
  env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
}

const defaultIo = (): ProcessIo => ({
  // The one environment read outside config.ts: pcprocess's own variable names, for this offline tool only.
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});

class ProcessError extends Error {}

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

async function readInput(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProcessError(`input file not found: ${path}`);
    if (code === 'EISDIR') throw new ProcessError(`input is a directory, not a collection file: ${path}`);
    if (code === 'EACCES') throw new ProcessError(`no permission to read the input file: ${path}`);
    throw new ProcessError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (err) {
      throw new ProcessError(`${path} looks gzip-compressed but cannot be decompressed: ${(err as Error).message}`);
    }
  }
  return bytes.toString('utf8');
}

/** Writes pcprocess's files for one collection; returns their relative paths. */
export async function processCollectionFile(input: string, outdir: string): Promise<string[]> {
  const text = await readInput(input);
  const files = processCollection(text);
  if (files.size === 0 && parseCollection(text).measurements.length === 0)
    throw new ProcessError(
      `no pcc measurements in ${input} (expected one {"timestamp","subsystem","measurement"} object per line)`,
    );
  for (const [path, content] of files) {
    const target = join(outdir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return [...files.keys()];
}

/** `xat process`: exit code 0 (done), 1 (input unreadable or empty, output not writable), 2 (usage). */
export async function runProcessCommand(args: string[], io: ProcessIo = defaultIo()): Promise<number> {
  let values: { input?: string | undefined; outdir?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        input: { type: 'string', short: 'i' },
        outdir: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`xat process: ${(err as Error).message}\n\n${PROCESS_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(PROCESS_USAGE);
    return 0;
  }
  const input = values.input || io.env.PCR_COLLECTION;
  const outdir = values.outdir || io.env.PCR_OUTDIR;
  const missing = [!input && '--input (or PCR_COLLECTION)', !outdir && '--outdir (or PCR_OUTDIR)'].filter(Boolean);
  if (!input || !outdir) {
    io.err(`xat process: missing ${missing.join(' and ')}\n\n${PROCESS_USAGE}`);
    return 2;
  }
  try {
    const started = performance.now();
    const written = await processCollectionFile(input, outdir);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    io.out(
      written.length
        ? `Wrote ${written.length} files to ${resolve(outdir)} in ${seconds} s: ${written.join(', ')}`
        : 'Fewer than two rounds per subsystem: nothing to write.',
    );
    return 0;
  } catch (err) {
    if (err instanceof ProcessError) io.err(`xat process: ${err.message}`);
    else io.err(`xat process: cannot write to ${outdir}: ${(err as Error).message}`);
    return 1;
  }
}
