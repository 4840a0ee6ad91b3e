/**
 * Sends load-test results to the server, one as each run finishes; registers first when this data dir never did (and
 * only once for a series). A result the server did not take is saved to a file: the measurement took minutes.
 */
import { type CommandContext, reasonOf } from '../commands/context.ts';
import { HttpClient } from '../http.ts';
import { rememberRegistration, sendRegistration } from '../register.ts';
import { detectSpecs } from '../specs/specs.ts';
import { readState } from '../state.ts';
import { saveUnsent, unsentFileName } from '../upload/unsent.ts';
import type { LoadTestResult } from './result.ts';
import { LOADTEST_PATH, toLoadTestCreate } from './upload.ts';

/** Sends one result; true when the server took it (otherwise it is saved and the reason is on stderr). */
export type ResultSender = (result: LoadTestResult) => Promise<boolean>;

/** What a sender needs of its caller: the data dir (the registration), --notes, and where to tell people. */
export interface SendIo {
  settings: { readonly dataDir: string };
  flags: CommandContext['flags'];
  err: CommandContext['err'];
}

export function createResultSender(ctx: SendIo, baseUrl: string, apiKey: string): ResultSender {
  let collector: string | undefined;
  return async (result) => {
    const client = new HttpClient({ baseUrl, apiKey, timeoutMs: 30_000 });
    try {
      collector ??= readState(ctx.settings.dataDir).collector_id;
      if (!collector) {
        // Never registered from this data dir: registering tells us which collector the key belongs to.
        const specs = detectSpecs();
        const registered = await sendRegistration(client, specs);
        if (!registered.ok) return saveResult(ctx, result, `registration failed: ${registered.reason}`);
        collector = registered.collectorId;
        try {
          rememberRegistration(ctx.settings.dataDir, specs, registered);
        } catch {
          // the data dir may not be writable for this user; the upload does not need it
        }
      }
      const notes = typeof ctx.flags.notes === 'string' ? ctx.flags.notes : undefined;
      const res = await client.json('POST', LOADTEST_PATH, toLoadTestCreate(collector, result, notes));
      if (res.status !== 201 && res.status !== 200)
        return saveResult(ctx, result, `upload refused: ${reasonOf(res.status, res.data, res.body)}`);
      const id = (res.data as { id?: string } | undefined)?.id;
      ctx.err(`Uploaded to ${baseUrl}${LOADTEST_PATH}${id ? ` (load test ${id})` : ''}\n`);
      return true;
    } catch (err) {
      return saveResult(ctx, result, `upload failed: ${(err as Error).message}`);
    } finally {
      client.close();
    }
  };
}

/** Saves a result the server did not take, and says where; always false (not uploaded). */
function saveResult(ctx: SendIo, result: LoadTestResult, why: string): false {
  saveUnsent(
    { dataDir: ctx.settings.dataDir, err: ctx.err },
    unsentFileName('loadtest', result.started_at),
    result,
    why,
  );
  return false;
}
