/**
 * The on-disk spool: every sample is appended here (and synced) before anything is sent, so neither a dead network
 * nor a restart loses one. Samples are numbered (seq); files are segments of consecutive seqs, one sample JSON per
 * line; state.json keeps which seqs are resolved (acknowledged by the server or set aside as dead letters), how many
 * were dropped and not yet reported, and the spool's identity. Past `maxBytes` the oldest segment goes, and the
 * samples in it that were never sent are counted as dropped.
 */
import {
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomId } from '../hash.ts';
import { type Logger, silentLogger } from '../log.ts';
import { addAll, countIn, firstOf, gaps, lastOf, pruneBelow, type Range } from './ranges.ts';

export interface SpoolOptions {
  dir: string;
  /** Bound on the segment files' total size (default 100 MB). */
  maxBytes?: number;
  /** A segment is closed past this size (default: 1 MB, at most an eighth of maxBytes). */
  segmentBytes?: number;
  /** fdatasync after every append (default true). */
  sync?: boolean;
  log?: Logger;
  /** Inspect only (`pcc status` while the daemon runs): nothing is created, truncated or written. */
  readOnly?: boolean;
}

/** Samples to send together: seqs ascending, each with its sample JSON. */
export interface SpoolBatch {
  seqs: number[];
  lines: string[];
}

interface Segment {
  first: number;
  count: number;
  bytes: number;
}

interface SpoolState {
  instance: string;
  resolved: Range[];
  highestResolved: number;
  dropped: number;
}

const SEGMENT = /^(\d{12})\.ndjson$/;
const segmentName = (first: number) => `${String(first).padStart(12, '0')}.ndjson`;

export class Spool {
  private readonly segments: Segment[] = [];
  private state: SpoolState;
  private fd: number | undefined;
  /** Unresolved lines of the open segment, so the normal case never reads the disk back. */
  private readonly fresh = new Map<number, string>();
  private lastRead: { first: number; lines: string[] } | undefined;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly sync: boolean;
  private readonly log: Logger;

  constructor(private readonly opts: SpoolOptions) {
    this.maxBytes = opts.maxBytes ?? 100e6;
    this.segmentBytes = opts.segmentBytes ?? Math.max(4096, Math.min(1 << 20, Math.floor(this.maxBytes / 8)));
    this.sync = opts.sync ?? true;
    this.log = opts.log ?? silentLogger;
    if (!opts.readOnly) mkdirSync(opts.dir, { recursive: true });
    this.state = this.readState();
    this.scanSegments();
    pruneBelow(this.state.resolved, this.low);
  }

  /** Identifies this spool's seqs (batch ids stay unique if the spool is ever wiped and seqs restart). */
  get instance(): string {
    return this.state.instance;
  }

  /** Samples not yet resolved. */
  get pending(): number {
    return this.next - this.low - countIn(this.state.resolved, this.low, this.next - 1);
  }

  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Samples dropped (spool full, unreadable line) and not yet reported to the server. */
  get dropped(): number {
    return this.state.dropped;
  }

  private get low(): number {
    return this.segments[0]?.first ?? this.next;
  }

  // Seqs never repeat within a spool instance, even when every segment file is gone.
  private get next(): number {
    const last = this.segments.at(-1);
    return last ? last.first + last.count : this.state.highestResolved + 1;
  }

  /** Appends one sample (durably, before it is ever sent) and returns its seq. */
  append(sample: unknown): number {
    const line = JSON.stringify(sample);
    let active = this.segments.at(-1);
    if (!active || this.fd === undefined || active.bytes >= this.segmentBytes) active = this.roll();
    const seq = active.first + active.count;
    const bytes = Buffer.byteLength(line) + 1;
    writeSync(this.fd as number, `${line}\n`);
    if (this.sync) fdatasyncSync(this.fd as number);
    active.count++;
    active.bytes += bytes;
    this.fresh.set(seq, line);
    this.enforceBound();
    return seq;
  }

  /**
   * The next samples to send, at most `max`: the newest unsent ones first (after an outage the server is current
   * again at once), then the backlog from the oldest. Undefined when nothing is pending.
   */
  nextBatch(max: number): SpoolBatch | undefined {
    const last = this.next - 1;
    if (last < this.low) return undefined;
    const newer = gaps(this.state.resolved, Math.max(this.state.highestResolved + 1, this.low), last);
    const seqs = newer.length
      ? lastOf(newer, max)
      : firstOf(gaps(this.state.resolved, this.low, this.state.highestResolved), max);
    if (!seqs.length) return undefined;
    const lines: string[] = [];
    const kept: number[] = [];
    const unreadable: number[] = [];
    for (const seq of seqs) {
      const line = this.lineOf(seq);
      if (line === undefined) unreadable.push(seq);
      else {
        kept.push(seq);
        lines.push(line);
      }
    }
    if (unreadable.length) {
      // A torn or corrupt line cannot be sent; it is counted as dropped, never silently skipped.
      this.log.warn('spool: unreadable samples dropped', { count: unreadable.length });
      this.state.dropped += unreadable.length;
      this.resolve(unreadable);
    }
    return kept.length ? { seqs: kept, lines } : this.nextBatch(max);
  }

  /** The server has them (or they were set aside as dead letters); `reportedDropped` were counted in that batch. */
  resolve(seqs: readonly number[], reportedDropped = 0): void {
    const live = seqs.filter((s) => s >= this.low && s < this.next);
    addAll(this.state.resolved, live);
    for (const s of live) {
      this.fresh.delete(s);
      if (s > this.state.highestResolved) this.state.highestResolved = s;
    }
    this.state.dropped = Math.max(0, this.state.dropped - reportedDropped);
    this.removeResolvedSegments();
    this.writeState();
  }

  /** Samples lost after they left the spool (dead letters trimmed away): reported like those the spool dropped. */
  countDropped(count: number): void {
    if (count <= 0) return;
    this.state.dropped += count;
    this.writeState();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.writeState();
  }

  private roll(): Segment {
    const previous = this.segments.at(-1);
    // After a restart, reopen the last segment found on disk while it still has room.
    if (this.fd === undefined && previous && previous.bytes < this.segmentBytes) {
      this.fd = openSync(join(this.opts.dir, segmentName(previous.first)), 'a');
      return previous;
    }
    if (this.fd !== undefined) closeSync(this.fd);
    const segment: Segment = { first: this.next, count: 0, bytes: 0 };
    this.fd = openSync(join(this.opts.dir, segmentName(segment.first)), 'a');
    this.segments.push(segment);
    this.fresh.clear();
    this.removeResolvedSegments();
    return segment;
  }

  private enforceBound(): void {
    let dropped = 0;
    while (this.bytes > this.maxBytes && this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const last = oldest.first + oldest.count - 1;
      dropped += oldest.count - countIn(this.state.resolved, oldest.first, last);
      this.deleteOldest();
    }
    if (dropped > 0) {
      this.state.dropped += dropped;
      this.log.warn('spool full: oldest samples dropped', { dropped, max_bytes: this.maxBytes });
      this.writeState();
    }
  }

  private removeResolvedSegments(): void {
    let removed = false;
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const last = oldest.first + oldest.count - 1;
      if (countIn(this.state.resolved, oldest.first, last) < oldest.count) break;
      this.deleteOldest();
      removed = true;
    }
    if (removed) pruneBelow(this.state.resolved, this.low);
  }

  private deleteOldest(): void {
    const oldest = this.segments.shift() as Segment;
    rmSync(join(this.opts.dir, segmentName(oldest.first)), { force: true });
    if (this.lastRead?.first === oldest.first) this.lastRead = undefined;
    pruneBelow(this.state.resolved, this.low);
  }

  private lineOf(seq: number): string | undefined {
    const cached = this.fresh.get(seq);
    if (cached !== undefined) return cached;
    const segment = this.segments.find((s) => seq >= s.first && seq < s.first + s.count);
    if (!segment) return undefined;
    // Re-read when the cached copy is of another segment, or of the open one before the line was appended.
    if (this.lastRead?.first !== segment.first || seq - segment.first >= this.lastRead.lines.length - 1) {
      const text = readFileSync(join(this.opts.dir, segmentName(segment.first)), 'utf8');
      this.lastRead = { first: segment.first, lines: text.split('\n') };
    }
    const line = this.lastRead.lines[seq - segment.first];
    return line !== undefined && isJsonObject(line) ? line : undefined;
  }

  /** Finds the segments on disk; a line cut short by a crash is cut off so the next append starts clean. */
  private scanSegments(): void {
    let names: string[];
    try {
      names = readdirSync(this.opts.dir);
    } catch (err) {
      if (this.opts.readOnly && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    names = names.filter((n) => SEGMENT.test(n)).sort();
    for (const name of names) {
      const path = join(this.opts.dir, name);
      const buffer = readFileSync(path);
      const end = buffer.lastIndexOf(10) + 1;
      if (end < buffer.length && !this.opts.readOnly) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, end);
        closeSync(fd);
      }
      let count = 0;
      for (let i = 0; i < end; i++) if (buffer[i] === 10) count++;
      const first = Number(SEGMENT.exec(name)?.[1]);
      const expected = this.next;
      // A missing stretch (a segment removed by hand) is resolved: nothing there to send.
      if (this.segments.length && first > expected) addAll(this.state.resolved, range(expected, first - 1));
      if (this.segments.length && first < expected) {
        this.log.warn('spool: overlapping segment ignored', { file: name });
        continue;
      }
      this.segments.push({ first, count, bytes: end });
    }
  }

  private readState(): SpoolState {
    try {
      const s = JSON.parse(readFileSync(join(this.opts.dir, 'state.json'), 'utf8')) as Partial<SpoolState>;
      if (typeof s.instance === 'string' && Array.isArray(s.resolved)) {
        return {
          instance: s.instance,
          resolved: s.resolved.filter((r): r is Range => Array.isArray(r) && r.length === 2),
          highestResolved: typeof s.highestResolved === 'number' ? s.highestResolved : 0,
          dropped: typeof s.dropped === 'number' ? s.dropped : 0,
        };
      }
    } catch {
      // no state yet (or unreadable): everything on disk is sent again; the server drops what it already has
    }
    return { instance: randomId(), resolved: [], highestResolved: 0, dropped: 0 };
  }

  private writeState(): void {
    if (this.opts.readOnly) return;
    const file = join(this.opts.dir, 'state.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(this.state));
    renameSync(`${file}.tmp`, file);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function isJsonObject(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
