import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createCollector,
  createTestTenant,
  fixturePath,
  getApp,
  type TestTenant,
} from '../../../test/helpers.ts';
import { fileForm, multipartBody } from '../../../test/multipart.ts';
import { ContentCheck, JSON_PARSE_BYTES } from './content-check.ts';
import { contentDisposition } from './data.routes.ts';
import { sanitizeFileName } from './upload.ts';

const upload = (t: TestTenant, collectorId: string, form: ReturnType<typeof fileForm>, auth?: 'viewer' | 'member') =>
  t.request({ method: 'POST', url: `/api/v1/collectors/${collectorId}/data/`, ...form, ...(auth ? { auth } : {}) });

/** Every file (temporary ones included) under the tenant's upload directory. */
async function filesOf(tenantId: string, dataDir?: string): Promise<string[]> {
  const dir = join(dataDir ?? (await getApp()).config.dataDir, 'uploads', tenantId);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe('collected data', () => {
  it('round-trips an upload: list, item and a byte-identical download', async () => {
    const t = await createTestTenant();
    const collector = await createCollector(t, { name: 'db-01' });
    // Binary content with CR/LF and boundary-like bytes, so any mangling shows (after the gzip signature its name asks).
    const content = Buffer.concat([
      Buffer.from([0x1f, 0x8b]),
      randomBytes(70_000),
      Buffer.from('\r\n--boundary\r\n'),
      randomBytes(3),
    ]);
    const res = await upload(t, collector.id, fileForm('run-01.csv.gz', content, { description: 'first run' }));
    expect(res.statusCode, res.body).toBe(201);
    const item = res.json();
    expect(item).toEqual({
      id: expect.any(String),
      collector: collector.id,
      collector_name: 'db-01',
      description: 'first run',
      file: `http://${t.host}/api/v1/data/${item.id}/download/`,
      file_name: 'run-01.csv.gz',
      file_size: content.length,
      row_count: null,
      data_start: null,
      data_end: null,
      created_at: expect.any(String),
      recording_id: null,
      // Random bytes behind a gzip signature: kept as a file, and the answer says why it gave no series.
      metrics_count: 0,
      skipped: 0,
      messages: [expect.stringMatching(/^Kept as a file, no series: The file starts like gzip but cannot be/)],
    });
    const { metrics_count: _count, skipped: _skipped, messages: _messages, ...stored } = item;

    const list = await t.request({ method: 'GET', url: `/api/v1/collectors/${collector.id}/data/`, auth: 'viewer' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ count: 1, next: null, previous: null, results: [stored] });

    const got = await t.request({ method: 'GET', url: `/api/v1/data/${item.id}/`, auth: 'viewer' });
    expect(got.json()).toEqual(stored);

    const download = await t.request({ method: 'GET', url: `/api/v1/data/${item.id}/download/`, auth: 'viewer' });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(content)).toBe(true);
    expect(download.headers['content-type']).toBe('application/gzip');
    expect(download.headers['content-length']).toBe(String(content.length));
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="run-01.csv.gz"; filename*=UTF-8''run-01.csv.gz`,
    );
    // Stored under its id, never the client's name, and no temporary file left.
    expect(await filesOf(t.id)).toEqual([item.id]);
  });

  it('keeps only a safe display name and quotes it in Content-Disposition', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const res = await upload(t, id, fileForm('C:\\Users\\me\\résumé 2024.csv', 'a,b\n1,2\n'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().file_name).toBe('résumé 2024.csv');
    const download = await t.request({ method: 'GET', url: `/api/v1/data/${res.json().id}/download/` });
    expect(download.body).toBe('a,b\n1,2\n');
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="r_sum_ 2024.csv"; filename*=UTF-8''r%C3%A9sum%C3%A9%202024.csv`,
    );

    expect(contentDisposition('a"b\\c%.log')).toBe(
      `attachment; filename="a_b_c_.log"; filename*=UTF-8''a%22b%5Cc%25.log`,
    );
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('\u202Egpj.exe')).toBe('gpj.exe');
    expect(sanitizeFileName('..')).toBe('upload');
    const long = sanitizeFileName(`${'x'.repeat(300)}.json`);
    expect(long).toHaveLength(255);
    expect(long.endsWith('x.json')).toBe(true);
  });

  it('accepts the allowed extensions in any case and refuses the others', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const files: [string, string | Buffer][] = [
      ['a.csv', 'x,y\n1,2\n'],
      ['b.json', '{}'],
      ['c.txt', 'x'],
      ['d.log', 'x'],
      ['e.gz', gzipSync('x')],
      ['f.zip', Buffer.from(zipSync({ 'x.txt': strToU8('x') }))],
      ['G.CSV', 'x'],
    ];
    for (const [name, content] of files) {
      const res = await upload(t, id, fileForm(name, content));
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
    }
    const exe = await upload(t, id, fileForm('tool.exe', 'MZ'));
    expect(exe.statusCode).toBe(400);
    expect(exe.json()).toEqual({
      file: ['File extension “exe” is not allowed. Allowed extensions are: csv, json, txt, log, gz, zip.'],
    });
    const none = await upload(t, id, fileForm('Makefile', 'all:'));
    expect(none.json()).toEqual({
      file: ['File extension “” is not allowed. Allowed extensions are: csv, json, txt, log, gz, zip.'],
    });
    const list = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/?page_size=100` });
    expect(list.json().count).toBe(7);
    expect(await filesOf(t.id)).toHaveLength(7);
  });

  it('answers 400 naming the field when the file or description is wrong, and keeps nothing', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const noFile = await upload(t, id, multipartBody([{ name: 'description', value: 'no file' }]));
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json()).toEqual({ file: ['No file was submitted.'] });

    const json = await t.request({ method: 'POST', url: `/api/v1/collectors/${id}/data/`, payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toEqual({ file: ['No file was submitted.'] });

    const wrongField = await upload(t, id, multipartBody([{ name: 'upload', filename: 'a.csv', value: 'x' }]));
    expect(wrongField.json()).toEqual({ file: ['No file was submitted.'] });

    const empty = await upload(t, id, fileForm('empty.csv', ''));
    expect(empty.json()).toEqual({ file: ['The submitted file is empty.'] });

    // The description may come after the file: still checked, and the written file is removed.
    const long = await upload(
      t,
      id,
      multipartBody([
        { name: 'file', filename: 'a.csv', value: 'x,y\n' },
        { name: 'description', value: 'd'.repeat(201) },
      ]),
    );
    expect(long.statusCode).toBe(400);
    expect(long.json()).toEqual({ description: ['Ensure this field has no more than 200 characters.'] });
    const both = await upload(t, id, fileForm('a.exe', 'x', { description: 'd'.repeat(201) }));
    expect(Object.keys(both.json()).sort()).toEqual(['description', 'file']);

    const fine = await upload(t, id, fileForm('a.csv', 'x', { description: 'é'.repeat(200) }));
    expect(fine.statusCode).toBe(201);
    expect(await filesOf(t.id)).toEqual([fine.json().id]);
  });

  it('pages the list newest first', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await upload(t, id, fileForm(`${n}.log`, `line ${n}\n`))).json().id);
    const page1 = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/?page_size=2` });
    expect(page1.json()).toMatchObject({ count: 3, previous: null });
    expect(page1.json().next).toBe(`http://${t.host}/api/v1/collectors/${id}/data/?page_size=2&page=2`);
    expect(page1.json().results.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    const page2 = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/?page_size=2&page=2` });
    expect(page2.json().results.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    const tooBig = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/?page_size=101` });
    expect(tooBig.statusCode).toBe(400);
    expect(Object.keys(tooBig.json())).toEqual(['page_size']);
  });

  it('answers 404 for another tenant’s collector and data on every route', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { id: collectorId } = await createCollector(a);
    const dataId = (await upload(a, collectorId, fileForm('a.csv', 'secret'))).json().id;
    const requests = [
      { method: 'GET', url: `/api/v1/collectors/${collectorId}/data/` },
      { method: 'POST', url: `/api/v1/collectors/${collectorId}/data/`, ...fileForm('b.csv', 'x') },
      { method: 'GET', url: `/api/v1/data/${dataId}/` },
      { method: 'GET', url: `/api/v1/data/${dataId}/download/` },
      { method: 'DELETE', url: `/api/v1/data/${dataId}/` },
    ] as const;
    for (const req of requests) {
      const res = await b.request(req);
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.', code: 'not_found' });
    }
    expect(await filesOf(b.id)).toEqual([]);
    const still = await a.request({ method: 'GET', url: `/api/v1/data/${dataId}/download/` });
    expect(still.body).toBe('secret');
    const unknown = await a.request({ method: 'GET', url: `/api/v1/data/${randomUUID()}/` });
    expect(unknown.statusCode).toBe(404);
  });

  it('lets viewers read but not upload or delete; deleting removes the row and the file', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const dataId = (await upload(t, id, fileForm('a.json', '{"a":1}'), 'member')).json().id;

    const viewerUpload = await upload(t, id, fileForm('b.json', '{}'), 'viewer');
    expect(viewerUpload.statusCode).toBe(403);
    expect(viewerUpload.json().code).toBe('permission_denied');
    const viewerDelete = await t.request({ method: 'DELETE', url: `/api/v1/data/${dataId}/`, auth: 'viewer' });
    expect(viewerDelete.statusCode).toBe(403);
    const viewerDownload = await t.request({ method: 'GET', url: `/api/v1/data/${dataId}/download/`, auth: 'viewer' });
    expect(viewerDownload.body).toBe('{"a":1}');
    expect(viewerDownload.headers['content-type']).toBe('application/json');
    expect(await filesOf(t.id)).toEqual([dataId]);

    const anonymous = await t.request({ method: 'GET', url: `/api/v1/data/${dataId}/`, auth: false });
    expect(anonymous.statusCode).toBe(401);

    const del = await t.request({ method: 'DELETE', url: `/api/v1/data/${dataId}/`, auth: 'member' });
    expect(del.statusCode).toBe(204);
    expect(await filesOf(t.id)).toEqual([]);
    for (const url of [`/api/v1/data/${dataId}/`, `/api/v1/data/${dataId}/download/`]) {
      expect((await t.request({ method: 'GET', url })).statusCode).toBe(404);
    }
    expect((await t.request({ method: 'DELETE', url: `/api/v1/data/${dataId}/` })).statusCode).toBe(404);
  });

  it('refuses the collector API key on the people’s routes', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    for (const headers of [{ 'x-api-key': api_key }, { authorization: `ApiKey ${api_key}` }]) {
      const res = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/`, auth: false, headers });
      expect(res.statusCode).toBe(401);
    }
  });

  it('drops the rows of a deleted collector', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const dataId = (await upload(t, id, fileForm('a.csv', 'x'))).json().id;
    expect((await t.request({ method: 'DELETE', url: `/api/v1/collectors/${id}/` })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `/api/v1/data/${dataId}/` })).statusCode).toBe(404);
  });
});

describe('content that does not match the extension', () => {
  const mismatch = (ext: string, expected: string, why: string) =>
    `The file's content does not match its “.${ext}” extension (${expected}): ${why}.`;
  const collection = () => readFileSync(fixturePath('pcc', 'sys-info-test', 'sys-info-test.json'));

  it('is refused with 400 on file, saying why, and nothing is kept', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const JSON_ = 'JSON or NDJSON';
    const TEXT = 'UTF-8 text';
    const cases: [string, string | Buffer, string][] = [
      // The dashboard colleague's file: 4 KiB of random bytes; NUL bytes put aside, so it is refused as not UTF-8.
      [
        'random.json',
        Buffer.from(randomBytes(4096).map((b) => b || 1)),
        mismatch('json', JSON_, 'it is not valid UTF-8 text'),
      ],
      ['nul.json', '{"a":1}\0', mismatch('json', JSON_, 'it holds NUL bytes, so it is binary data')],
      [
        'cut.json',
        Buffer.from('"é"').subarray(0, 2),
        mismatch('json', JSON_, 'it is not valid UTF-8 text (it ends inside a character)'),
      ],
      ['lines.json', '{"a":1}\n{"b":2}\n\n{"c":\n', mismatch('json', JSON_, 'line 4 is not valid JSON')],
      ['doc.json', '{\n  "a": 1,\n  "b" 2\n}\n', mismatch('json', JSON_, 'it is not valid JSON (at line 3)')],
      ['blank.json', ' \n\r\n\t', mismatch('json', JSON_, 'it holds nothing but blank space')],
      ['run.gz', 'x', mismatch('gz', 'gzip', 'it is shorter than the gzip signature')],
      ['run.gz', 'PK\x03\x04', mismatch('gz', 'gzip', 'it does not start with the signature 1f 8b but with 50 4b')],
      [
        'run.zip',
        gzipSync('x'),
        mismatch(
          'zip',
          'a zip archive',
          'it does not start with the signature 50 4b 03 04 ("PK\\x03\\x04") but with 1f 8b 08 00',
        ),
      ],
      [
        'utf16.csv',
        Buffer.from('\ufeffa,b\n1,2\n', 'utf16le'),
        mismatch('csv', TEXT, 'it holds NUL bytes, so it is binary data'),
      ],
      ['latin1.txt', Buffer.from('résumé\n', 'latin1'), mismatch('txt', TEXT, 'it is not valid UTF-8 text')],
      ['kernel.log', Buffer.from([0x6f, 0x6b, 0x0a, 0xc3, 0x28]), mismatch('log', TEXT, 'it is not valid UTF-8 text')],
    ];
    for (const [name, content, message] of cases) {
      const res = await upload(t, id, fileForm(name, content));
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json(), name).toEqual({ file: [message] });
    }
    // An empty file is refused as empty, whatever its extension asks.
    expect((await upload(t, id, fileForm('empty.gz', ''))).json()).toEqual({ file: ['The submitted file is empty.'] });
    expect(await filesOf(t.id)).toEqual([]);
    const list = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/` });
    expect(list.json().count).toBe(0);
  });

  it('accepts what each extension holds: collections as NDJSON or gzip, JSON documents, UTF-8 text', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const accepted: [string, string | Buffer][] = [
      ['sys-info-test.json', collection()],
      ['sys-info-test.json.gz', gzipSync(collection())],
      ['system_info.json', '{\n  "vendor_id": "GenuineIntel",\n  "total_cpus": 2\n}\n'],
      ['container_names.json', '\ufeff{ "0123": "web" }'],
      ['crlf.json', '{"a":1}\r\n\r\n{"b":[1,2]}\r\n'],
      ['number.json', '42'],
      ['résumé.csv', 'name,city\nRené,Zürich\n'],
      ['notes.txt', 'multi-byte € and 😀 characters\n'],
    ];
    for (const [name, content] of accepted) {
      const res = await upload(t, id, fileForm(name, content));
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
    }
    const stored = await upload(t, id, fileForm('again.json', collection()));
    const download = await t.request({ method: 'GET', url: `/api/v1/data/${stored.json().id}/download/` });
    expect(download.rawPayload.equals(collection())).toBe(true);
  });

  it('judges a .json larger than it parses by its head: NDJSON line by line, a document by its opening', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const line = `${JSON.stringify({ timestamp: 1767977160, subsystem: '/proc/stat', measurement: 'cpu 1 2 3\n' })}\n`;
    const lines = Math.ceil((1.5 * JSON_PARSE_BYTES) / line.length);
    const ndjson = line.repeat(lines);
    expect((await upload(t, id, fileForm('big.json', ndjson))).statusCode).toBe(201);
    const pretty = JSON.stringify({ rounds: Array.from({ length: lines }, () => JSON.parse(line)) }, null, 2);
    expect(pretty.length).toBeGreaterThan(JSON_PARSE_BYTES);
    expect((await upload(t, id, fileForm('big-document.json', pretty))).statusCode).toBe(201);

    const broken = `${line.repeat(10)}{"timestamp":\n${ndjson}`;
    expect((await upload(t, id, fileForm('broken.json', broken))).json()).toEqual({
      file: [mismatch('json', 'JSON or NDJSON', 'line 11 is not valid JSON')],
    });
    const prose = `Not JSON at all.\n${'lorem ipsum '.repeat(JSON_PARSE_BYTES / 6)}`;
    expect((await upload(t, id, fileForm('prose.json', prose))).json()).toEqual({
      file: [mismatch('json', 'JSON or NDJSON', 'line 1 is not valid JSON')],
    });
    // Past the parsed head a file is still checked as UTF-8 text throughout.
    const tail = Buffer.concat([Buffer.from(ndjson), Buffer.from([0xff]), Buffer.from('\n')]);
    expect((await upload(t, id, fileForm('tail.json', tail))).json()).toEqual({
      file: [mismatch('json', 'JSON or NDJSON', 'it is not valid UTF-8 text')],
    });
  });

  it('reads characters and signatures split between chunks as one', () => {
    const feed = (ext: string, chunks: Buffer[]) => {
      const check = ContentCheck.forExtension(ext);
      for (const chunk of chunks) check?.push(chunk);
      return check?.finish();
    };
    const euro = Buffer.from('"€"');
    expect(feed('json', [euro.subarray(0, 2), euro.subarray(2)])).toBeUndefined();
    expect(feed('gz', [Buffer.from([0x1f]), Buffer.from([0x8b, 0x08])])).toBeUndefined();
    expect(feed('zip', [Buffer.from('P'), Buffer.from('K\x03'), Buffer.from('\x04rest')])).toBeUndefined();
    expect(feed('gz', [Buffer.from([0x1f]), Buffer.from([0x00])])).toMatch(/but with 1f 00\.$/);
    // Once refused, it asks for nothing more: the rest of the upload is drained, not written.
    const check = ContentCheck.forExtension('txt');
    expect(check?.push(Buffer.from('ok\n'))).toBe(true);
    expect(check?.push(Buffer.from([0]))).toBe(false);
    expect(check?.push(Buffer.from('more'))).toBe(false);
    // Extensions with no rule are not checked.
    expect(ContentCheck.forExtension('exe')).toBeUndefined();
  });

  it('is not asked of the agents’ upload, which reads a gzipped collection whatever its name', async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const form = fileForm('collection.json', gzipSync(collection()));
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/metrics/',
      ...form,
      auth: false,
      headers: { ...form.headers, 'x-api-key': api_key },
    });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('upload size limit', async () => {
  const { database } = await getApp();
  const dataDir = join(tmpdir(), `xat-test-small-${randomUUID()}`);
  const small = await buildTestApp(database, { MAX_UPLOAD_BYTES: '64KiB', DATA_DIR: dataDir });
  afterAll(async () => {
    await small.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const limit = 64 * 1024;

  it('answers 413 for a file over MAX_UPLOAD_BYTES on both upload routes and leaves no file behind', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const headers = { host: t.host, authorization: `Bearer ${await t.token('member')}` };
    for (const size of [limit + 1, 1024 * 1024]) {
      const form = fileForm('big.csv', randomBytes(size));
      const res = await small.inject({
        method: 'POST',
        url: `/api/v1/collectors/${id}/data/`,
        payload: form.payload,
        headers: { ...headers, ...form.headers },
      });
      expect(res.statusCode, res.body).toBe(413);
      expect(res.json()).toEqual({
        detail: 'The file is larger than the upload limit of 64 KiB.',
        code: 'payload_too_large',
      });
      const agent = await small.inject({
        method: 'POST',
        url: '/api/v1/metrics/',
        payload: form.payload,
        headers: { host: t.host, 'x-api-key': api_key, ...form.headers },
      });
      expect(agent.statusCode, agent.body).toBe(413);
    }
    expect(await filesOf(t.id, dataDir)).toEqual([]);

    const exact = fileForm('exact.csv', Buffer.alloc(limit, '1,2\n'));
    const ok = await small.inject({
      method: 'POST',
      url: `/api/v1/collectors/${id}/data/`,
      payload: exact.payload,
      headers: { ...headers, ...exact.headers },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().file_size).toBe(limit);
    expect(await filesOf(t.id, dataDir)).toEqual([ok.json().id]);
    expect(readFileSync(join(dataDir, 'uploads', t.id, ok.json().id)).length).toBe(limit);
    const list = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/` });
    expect(list.json().count).toBe(1);
  });
});
