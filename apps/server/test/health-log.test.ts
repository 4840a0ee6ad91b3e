import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { getApp, testConfig } from './helpers.ts';

interface LogLine {
  level: number;
  msg: string;
  req?: { url?: string };
  reqId?: string;
}

/** The request log lines written while `requests` run, with the logger at `level`. */
async function logOf(level: string, requests: string[]): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  const { database } = await getApp();
  const app = await buildApp({ config: testConfig(), database, logger: { level, stream } });
  try {
    for (const url of requests) await app.inject({ method: 'GET', url });
  } finally {
    await app.close();
  }
  return lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
}

const DEBUG = 20;
const INFO = 30;

describe('request logs', () => {
  it('say nothing of health polls at info, and still log every other request', async () => {
    const lines = await logOf('info', ['/health/', '/health/?detail=true', '/api/v1/', '/health/']);
    const incoming = lines.filter((l) => l.msg === 'incoming request');
    expect(incoming.map((l) => l.req?.url)).toEqual(['/api/v1/']);
    // One line in, one out: the API request's pair only.
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.level === INFO)).toBe(true);
  });

  it('log health polls at debug, both lines of each', async () => {
    const lines = await logOf('debug', ['/health/', '/api/v1/']);
    const health = lines.filter((l) => l.level === DEBUG);
    expect(health.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(health[0]?.req?.url).toBe('/health/');
    expect(lines.filter((l) => l.level === INFO)).toHaveLength(2);
  });
});
