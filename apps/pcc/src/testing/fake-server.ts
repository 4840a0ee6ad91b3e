/** Test support: a local HTTP server (127.0.0.1 only) that can fail, stall, refuse and restart on the same port. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface FakeRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Decoded (gunzipped when Content-Encoding: gzip). */
  body: Buffer;
  json: unknown;
  /** Which TCP connection carried it (1, 2, …). */
  connection: number;
}

/** Answer with a status and JSON body, or 'stall' (never answer), or 'reset' (drop the connection). */
export type Handler = (
  req: FakeRequest,
  res: ServerResponse,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that answers by itself returns nothing, typed void by every test
) => void | 'stall' | 'reset' | Promise<void | 'stall' | 'reset'>;

export class FakeServer {
  readonly requests: FakeRequest[] = [];
  connections = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(
    public port: number,
    private handler: Handler,
  ) {}

  static async start(handler: Handler, port = 0): Promise<FakeServer> {
    const fake = new FakeServer(port, handler);
    await fake.listen();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  /** Closes every connection (kept-alive ones too) and stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise((resolve) => server.close(resolve));
  }

  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.listen();
  }

  private listen(): Promise<void> {
    const server = createServer((req, res) => this.receive(req, res));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket: Socket & { connectionId?: number }) => {
      socket.connectionId = ++this.connections;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        json = undefined;
      }
      const socket = req.socket as Socket & { connectionId?: number };
      const request: FakeRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        json,
        connection: socket.connectionId ?? 0,
      };
      this.requests.push(request);
      const outcome = await this.handler(request, res);
      if (outcome === 'reset') req.socket.destroy();
    });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The batch endpoint's contract, minus its (collector, timestamp) safety net: a batch id seen before is a duplicate,
 * anything else is stored. So a sample stored twice means the agent sent it again under a new id.
 */
export class FakeMetricsStore {
  /** Timestamp → times stored. */
  readonly stored = new Map<number, number>();
  /** Timestamp → the sample's interval_seconds (what it covers). */
  readonly intervals = new Map<number, number | undefined>();
  readonly batchIds = new Set<string>();
  /** Every batch answered 200, in arrival order. */
  readonly batches: { batchId: string; timestamps: number[]; agent: Record<string, unknown> | undefined }[] = [];

  accept(json: unknown): { status: 'ok'; batch_id: string; written: number; duplicates: number } {
    const batch = json as {
      batch_id: string;
      samples: { timestamp: number; interval_seconds?: number }[];
      agent?: Record<string, unknown>;
    };
    const timestamps = batch.samples.map((s) => s.timestamp);
    this.batches.push({ batchId: batch.batch_id, timestamps, agent: batch.agent });
    if (this.batchIds.has(batch.batch_id))
      return { status: 'ok', batch_id: batch.batch_id, written: 0, duplicates: timestamps.length };
    this.batchIds.add(batch.batch_id);
    for (const s of batch.samples) {
      this.stored.set(s.timestamp, (this.stored.get(s.timestamp) ?? 0) + 1);
      this.intervals.set(s.timestamp, s.interval_seconds);
    }
    return { status: 'ok', batch_id: batch.batch_id, written: timestamps.length, duplicates: 0 };
  }
}
