import { Transform } from 'node:stream';

/**
 * Does an uploaded file hold what its extension says? Fed chunk by chunk while the upload streams to disk, so no file
 * is read twice, at most JSON_PARSE_BYTES of one is held in memory, and no step blocks the event loop for longer than
 * a chunk or one parse of at most that size takes:
 *
 * - `.gz` and `.zip`: the first bytes only, the signature (gzip 1f 8b; zip "PK\x03\x04", a local file header).
 * - `.csv`, `.txt`, `.log`: UTF-8 text without NUL bytes, over the whole file (a decoder in streaming mode, so a
 *   character split between two chunks is fine; a file cut in the middle of one is not).
 * - `.json`: the same, then JSON or NDJSON — the formats collections come in (REFERENCE.md §1: a pcc collection and a
 *   capture are NDJSON; system_info.json and container_names.json are one pretty-printed document). The first
 *   JSON_PARSE_BYTES of text are kept. When the first non-blank line parses by itself, the file is NDJSON and every
 *   non-blank line must parse; otherwise it is one document, which must parse whole. A file larger than that is
 *   judged by its head alone, since parsing it all would stall the event loop: NDJSON by the complete lines of the
 *   head, one document by its opening (`{` or `[`), all that can be known of it without parsing it whole.
 *
 * Once a verdict is "no", the check asks for nothing more: the rest of the upload is drained, not stored.
 */
type Kind = 'json' | 'text' | 'gzip' | 'zip';

const KIND_OF: Readonly<Record<string, Kind>> = {
  json: 'json',
  csv: 'text',
  txt: 'text',
  log: 'text',
  gz: 'gzip',
  zip: 'zip',
};
const EXPECTED: Readonly<Record<Kind, string>> = {
  json: 'JSON or NDJSON',
  text: 'UTF-8 text',
  gzip: 'gzip',
  zip: 'a zip archive',
};
interface Signature {
  bytes: Buffer;
  shown: string;
}
const SIGNATURES: Readonly<Partial<Record<Kind, Signature>>> = {
  gzip: { bytes: Buffer.from([0x1f, 0x8b]), shown: '1f 8b' },
  zip: { bytes: Buffer.from('PK\x03\x04', 'latin1'), shown: '50 4b 03 04 ("PK\\x03\\x04")' },
};

/** How much of a `.json` file is kept and parsed: JSON.parse of 1 MiB takes a few milliseconds. */
export const JSON_PARSE_BYTES = 1024 * 1024;

const hex = (bytes: Buffer) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** " (at line n)" from V8's "… at position p" when the message has it (the wording is V8's, not a contract). */
function lineOfError(text: string, err: unknown): string {
  const position = /at position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
  return position === undefined ? '' : ` (at line ${text.slice(0, Number(position)).split('\n').length})`;
}

/** The number of the first non-blank line that is not JSON, or undefined when every one is (and there is one). */
function firstBadLine(lines: readonly string[]): number | undefined {
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      JSON.parse(line);
    } catch {
      return i + 1;
    }
  }
  return undefined;
}

export class ContentCheck {
  private problem: string | undefined;
  private head = Buffer.alloc(0);
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly signature: Signature | undefined;
  /** The head of a `.json` file's text, at most JSON_PARSE_BYTES characters. */
  private text = '';
  private bytes = 0;

  private constructor(
    private readonly kind: Kind,
    private readonly extension: string,
  ) {
    this.signature = SIGNATURES[kind];
  }

  /** The check for a file of this extension (lower case, no dot), or undefined when its content is not checked. */
  static forExtension(extension: string): ContentCheck | undefined {
    const kind = KIND_OF[extension];
    return kind ? new ContentCheck(kind, extension) : undefined;
  }

  /** Takes the next chunk; false once the content is known not to match (nothing more needs to be read). */
  push(chunk: Buffer): boolean {
    if (this.problem) return false;
    if (this.signature) this.pushSignature(chunk, this.signature);
    else this.pushText(chunk);
    this.bytes += chunk.length;
    return this.problem === undefined;
  }

  /** At the end of the file: undefined when the content matches the extension (or there is none), else why not. */
  finish(): string | undefined {
    // Nothing to judge: an empty file is refused as such by the caller.
    if (this.bytes === 0) return undefined;
    if (!this.problem) {
      if (this.signature) {
        if (this.head.length < this.signature.bytes.length)
          this.problem = `it is shorter than the ${EXPECTED[this.kind]} signature`;
      } else {
        this.flushText();
        if (!this.problem && this.kind === 'json') this.problem = this.jsonProblem();
      }
    }
    if (!this.problem) return undefined;
    return `The file's content does not match its “.${this.extension}” extension (${EXPECTED[this.kind]}): ${this.problem}.`;
  }

  private pushSignature(chunk: Buffer, { bytes, shown }: Signature): void {
    if (this.head.length >= bytes.length) return;
    this.head = Buffer.concat([this.head, chunk.subarray(0, bytes.length - this.head.length)]);
    if (this.head.length < bytes.length) return;
    if (!this.head.equals(bytes))
      this.problem = `it does not start with the signature ${shown} but with ${hex(this.head)}`;
  }

  private pushText(chunk: Buffer): void {
    if (chunk.includes(0)) {
      this.problem = 'it holds NUL bytes, so it is binary data';
      return;
    }
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      // Characters are never more than bytes: a file of up to JSON_PARSE_BYTES is kept whole.
      if (this.kind === 'json' && this.text.length < JSON_PARSE_BYTES)
        this.text += text.slice(0, JSON_PARSE_BYTES - this.text.length);
    } catch {
      this.problem = 'it is not valid UTF-8 text';
    }
  }

  private flushText(): void {
    try {
      // Strict decoding yields nothing more at the end; it throws when the file stops inside a character.
      this.decoder.decode();
    } catch {
      this.problem = 'it is not valid UTF-8 text (it ends inside a character)';
    }
  }

  private jsonProblem(): string | undefined {
    const fits = this.bytes <= JSON_PARSE_BYTES;
    const lines = this.text.split('\n');
    // Of a larger file only the head is here: its last line may be cut short, so it is left out.
    const complete = fits ? lines : lines.slice(0, -1);
    const first = complete.findIndex((line) => line.trim() !== '');
    if (fits && first < 0) return 'it holds nothing but blank space';
    // NDJSON when the first line is a value of its own (a one-line document counts: it is one NDJSON line).
    if (first >= 0 && firstBadLine([complete[first] ?? '']) === undefined) {
      const bad = firstBadLine(complete);
      return bad === undefined ? undefined : `line ${bad} is not valid JSON`;
    }
    // Else one document over several lines.
    if (!fits) return /^\s*[[{]/.test(this.text) ? undefined : `line ${first + 1 || 1} is not valid JSON`;
    try {
      JSON.parse(this.text);
      return undefined;
    } catch (err) {
      return `it is not valid JSON${lineOfError(this.text, err)}`;
    }
  }
}

/** Passes the upload through `check`; once the verdict is "no", drops the rest, so it is drained but not written. */
export function checkingStream(check: ContentCheck): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, check.push(chunk) ? chunk : undefined);
    },
  });
}
