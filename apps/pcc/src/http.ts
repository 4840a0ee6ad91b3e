/**
 * A small HTTP client over one kept-alive connection (node:http/https, maxSockets 1): the reference opened a new
 * TCP (+TLS) connection per request, which cost ~200 ms of each ~250 ms post (REFERENCE 6).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { VERSION } from './version.ts';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpClientOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Whole request, connect to last byte (default 30 s): a stalled server is a failed attempt, not a hang. */
  timeoutMs?: number;
}

/** One kept-alive connection (maxSockets 1) to a server, made at first use; HttpClient's, and the network benchmark's. */
export class KeptAliveConnection {
  private agent: http.Agent | HttpsAgent | undefined;
  private transport: Pick<typeof http, 'request'> | undefined;

  constructor(
    private readonly url: URL,
    /** TCP keep-alive's first probe (node's default 1 s when not given). */
    private readonly keepAliveMsecs?: number,
  ) {}

  // node:https (and TLS with it) is loaded only for an https server: it costs resident memory.
  async open(): Promise<{ transport: Pick<typeof http, 'request'>; agent: http.Agent }> {
    if (!this.transport || !this.agent) {
      const options = {
        keepAlive: true,
        maxSockets: 1,
        ...(this.keepAliveMsecs === undefined ? {} : { keepAliveMsecs: this.keepAliveMsecs }),
      };
      if (this.url.protocol === 'https:') {
        const https = await import('node:https');
        this.transport = https;
        this.agent = new https.Agent(options);
      } else {
        this.transport = http;
        this.agent = new http.Agent(options);
      }
    }
    return { transport: this.transport, agent: this.agent as http.Agent };
  }

  close(): void {
    this.agent?.destroy();
  }
}

export class HttpClient {
  private readonly url: URL;
  private readonly connection: KeptAliveConnection;
  private readonly timeoutMs: number;

  constructor(private readonly opts: HttpClientOptions) {
    this.url = new URL(opts.baseUrl);
    this.connection = new KeptAliveConnection(this.url, 10_000);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async request(
    method: string,
    path: string,
    body?: Buffer | string,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    try {
      return await this.once(method, path, body, headers);
    } catch (err) {
      // The server closed a kept-alive socket just as we reused it: not a failure of the server, try once more.
      if ((err as { reusedSocket?: boolean }).reusedSocket) return this.once(method, path, body, headers);
      throw err;
    }
  }

  /** JSON body in, parsed JSON (or undefined) out. */
  async json(method: string, path: string, payload?: unknown): Promise<HttpResponse & { data: unknown }> {
    const res = await this.request(
      method,
      path,
      payload === undefined ? undefined : JSON.stringify(payload),
      payload === undefined ? {} : { 'content-type': 'application/json' },
    );
    let data: unknown;
    try {
      data = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      data = undefined;
    }
    return { ...res, data };
  }

  close(): void {
    this.connection.close();
  }

  private async once(
    method: string,
    path: string,
    body: Buffer | string | undefined,
    headers: Record<string, string>,
  ): Promise<HttpResponse> {
    const { transport, agent } = await this.connection.open();
    const target = new URL(path, this.url);
    return new Promise((resolve, reject) => {
      const req = transport.request(
        target,
        {
          method,
          agent,
          headers: {
            'user-agent': `pcc/${VERSION}`,
            accept: 'application/json',
            ...(this.opts.apiKey ? { 'x-api-key': this.opts.apiKey } : {}),
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' });
        req.destroy(err);
      }, this.timeoutMs);
      function fail(err: Error) {
        clearTimeout(timer);
        reject(Object.assign(err, { reusedSocket: req.reusedSocket && isReset(err) }));
      }
      req.on('error', fail);
      req.end(body);
    });
  }
}

function isReset(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || err.message === 'socket hang up';
}
