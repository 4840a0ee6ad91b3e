import { HttpClient } from '../http.ts';
import { maskKey } from '../settings.ts';
import { countDeadLetters } from '../spool/dead-letter.ts';
import { Spool } from '../spool/spool.ts';
import { deadLetterFile, readState, spoolDir } from '../state.ts';
import { formatDuration } from '../units.ts';
import { VERSION } from '../version.ts';
import type { CommandContext } from './context.ts';

/** `pcc status`: config (key masked), is the server reachable, last upload, spool depth, dead letters. */
export async function statusCommand(ctx: CommandContext): Promise<number> {
  const { settings } = ctx;
  const state = readState(settings.dataDir);
  const spool = new Spool({ dir: spoolDir(settings.dataDir), readOnly: true });
  const dead = countDeadLetters(deadLetterFile(settings.dataDir));
  const server = settings.serverUrl ? await probe(settings.serverUrl) : { reachable: false, detail: 'not configured' };
  const status = {
    version: VERSION,
    config: {
      file: settings.configFile,
      server_url: settings.serverUrl ?? null,
      api_key: maskKey(settings.apiKey),
      data_dir: settings.dataDir,
      interval: formatDuration(settings.intervalMs),
      upload_interval: formatDuration(settings.uploadIntervalMs),
      jobs: settings.jobs,
    },
    server,
    registration: {
      collector_id: state.collector_id ?? null,
      name: state.collector_name ?? null,
      registered_at: state.registered_at ?? null,
    },
    last_upload: {
      at: state.last_upload_at ?? null,
      error: state.last_upload_error ?? null,
      error_at: state.last_upload_error_at ?? null,
    },
    spool: { pending_samples: spool.pending, bytes: spool.bytes, dropped_unreported: spool.dropped },
    dead_letters: { ...dead, file: deadLetterFile(settings.dataDir) },
  };
  if (ctx.flags.json) {
    ctx.out(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const c = status.config;
  const lines = [
    `pcc ${VERSION}`,
    `config        ${c.file}`,
    `server        ${c.server_url ?? '(not set)'} — ${server.reachable ? 'reachable' : 'NOT reachable'} (${server.detail})`,
    `api key       ${c.api_key}`,
    `data dir      ${c.data_dir}   interval ${c.interval}, upload every ${c.upload_interval}, benchmark jobs ${c.jobs ? 'on' : 'off'}`,
    `registered    ${state.registered_at ? `${state.collector_name ?? ''} (${state.collector_id}) at ${state.registered_at}` : 'never'}`,
    `last upload   ${state.last_upload_at ?? 'never'}${state.last_upload_error ? `; last error ${state.last_upload_error_at}: ${state.last_upload_error}` : ''}`,
    `spool         ${spool.pending} samples pending, ${spool.bytes} bytes, ${spool.dropped} dropped (not yet reported)`,
    `dead letters  ${dead.batches} batches, ${dead.samples} samples${dead.batches ? ` in ${status.dead_letters.file}` : ''}`,
  ];
  ctx.out(`${lines.join('\n')}\n`);
  return 0;
}

async function probe(serverUrl: string): Promise<{ reachable: boolean; detail: string }> {
  const client = new HttpClient({ baseUrl: serverUrl, timeoutMs: 3000 });
  const started = performance.now();
  try {
    const res = await client.json('GET', '/health/');
    const ms = Math.round(performance.now() - started);
    const health = (res.data as { status?: string } | undefined)?.status;
    return { reachable: res.status > 0, detail: `HTTP ${res.status}${health ? ` ${health}` : ''}, ${ms} ms` };
  } catch (err) {
    return { reachable: false, detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  } finally {
    client.close();
  }
}
