import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { roundCollectors } from '../collectors/round.ts';
import { HttpClient } from '../http.ts';
import { startJobLoop } from '../jobs/start.ts';
import type { Logger } from '../log.ts';
import { registrationDue, rememberRegistration, sendRegistration } from '../register.ts';
import { Sampler } from '../sampling/sampler.ts';
import { msUntilNextTick, sleep, ticks } from '../sampling/schedule.ts';
import { SelfStats } from '../sampling/self-stats.ts';
import { required } from '../settings.ts';
import { detectSpecs } from '../specs/specs.ts';
import { Spool } from '../spool/spool.ts';
import { deadLetterFile, readState, spoolDir, updateState } from '../state.ts';
import { formatDuration } from '../units.ts';
import { type UploadEvent, Uploader } from '../upload/uploader.ts';
import { VERSION } from '../version.ts';
import type { CommandContext } from './context.ts';

/** How often the daemon looks at its specs (registering again when they changed, and once a day anyway). */
const SPECS_CHECK_MS = 15 * 60_000;
/** The last flush on SIGTERM gives up after this, so a service manager's stop timeout is never hit. */
const FLUSH_MS = 3000;

/**
 * `pcc run`, the daemon: a round every interval at wall-clock multiples → sample → spool (synced) → uploads every
 * upload interval; registration at start, when the specs change and daily; benchmark jobs fetched from the server
 * and run one at a time (jobs/), sampling going on meanwhile — unless the owner turned jobs off (settings.jobs).
 * SIGTERM/SIGINT: stop sampling, stop a running job (reported cancelled), one last flush, save the last round and the
 * spool state, exit 0.
 */
export async function runCommand(ctx: CommandContext): Promise<number> {
  const { settings, log, signal } = ctx;
  const baseUrl = required(settings.serverUrl, 'The server URL', 'pass --server-url or set PCC_SERVER_URL');
  const apiKey = required(settings.apiKey, 'The API key', 'pass --api-key or set PCC_APIKEY');
  const { dataDir, intervalMs, uploadIntervalMs } = settings;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const client = new HttpClient({ baseUrl, apiKey, timeoutMs: 10_000 });
  const spool = new Spool({ dir: spoolDir(dataDir), maxBytes: settings.spoolMaxBytes, log });
  const sampler = new Sampler(roundCollectors(), join(dataDir, 'last-round.json'), log);
  const stats = new SelfStats();
  const uploader = new Uploader({
    transport: client,
    spool,
    deadLetterFile: deadLetterFile(dataDir),
    log,
    agent: () => stats.report(),
    onEvent: uploadStateRecorder(dataDir, log),
  });
  log.info('pcc started', {
    version: VERSION,
    server: baseUrl,
    interval: formatDuration(intervalMs),
    upload_interval: formatDuration(uploadIntervalMs),
    data_dir: dataDir,
    pending_samples: spool.pending,
    jobs: settings.jobs,
  });
  // Off: never asks for a job, so the server shows this server as one that does not run them.
  if (!settings.jobs) log.info('benchmark jobs off: not asking the server for jobs (--no-jobs, PCC_JOBS=0)');

  const uploadOffset = Math.min(500, uploadIntervalMs / 4);
  try {
    await Promise.all([
      sampleLoop(ctx, sampler, spool),
      uploader.run(signal, () => msUntilNextTick(Date.now(), uploadIntervalMs, uploadOffset)),
      registerLoop(client, dataDir, log, signal),
      settings.jobs ? startJobLoop({ serverUrl: baseUrl, apiKey, dataDir, log, signal }) : undefined,
    ]);
    // Bounded even if the server stalls mid-request (the client is closed below, which ends that request).
    const flushed = await Promise.race([
      uploader.drain(Date.now() + FLUSH_MS),
      sleep(FLUSH_MS + 1000).then(() => false),
    ]);
    log.info('pcc stopped', { flushed, pending_samples: spool.pending });
  } finally {
    sampler.save();
    spool.close();
    client.close();
  }
  return 0;
}

async function sampleLoop(ctx: CommandContext, sampler: Sampler, spool: Spool): Promise<void> {
  const { signal, settings, log } = ctx;
  for (const tick of ticks(settings.intervalMs, signal)) {
    await sleep(tick - Date.now(), signal);
    if (signal.aborted) break;
    try {
      const sample = sampler.take(Math.round(tick / 1000));
      if (sample) spool.append(sample);
    } catch (err) {
      // A full disk or a vanished data dir must not kill the daemon: the next round tries again.
      log.error('sampling failed', { err });
    }
  }
}

async function registerLoop(client: HttpClient, dataDir: string, log: Logger, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const specs = detectSpecs();
      if (registrationDue(readState(dataDir), specs)) {
        const result = await sendRegistration(client, specs);
        if (result.ok) {
          rememberRegistration(dataDir, specs, result);
          log.info('registered', { collector_id: result.collectorId, name: result.name, vcpus: specs.vcpus });
        } else log.warn('registration failed: will retry', { reason: result.reason });
      }
    } catch (err) {
      log.warn('registration check failed', { err });
    }
    await sleep(SPECS_CHECK_MS, signal);
  }
}

/** Keeps `pcc status`'s "last upload" current without writing the state file on every batch. */
function uploadStateRecorder(dataDir: string, log: Logger): (event: UploadEvent) => void {
  let lastWrite = 0;
  let failing = false;
  return (event) => {
    const now = Date.now();
    const nowFailing = event.type === 'failed';
    if (nowFailing === failing && now - lastWrite < 60_000) return;
    failing = nowFailing;
    lastWrite = now;
    try {
      if (event.type === 'failed')
        updateState(dataDir, { last_upload_error: event.reason.slice(0, 300), last_upload_error_at: iso(now) });
      else updateState(dataDir, { last_upload_at: iso(now) });
    } catch (err) {
      log.warn('state file not written', { err });
    }
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
