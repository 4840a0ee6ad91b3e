import { openAsBlob, statSync } from 'node:fs';
import { basename } from 'node:path';
import { required } from '../settings.ts';
import { METRICS_PATH } from '../upload/uploader.ts';
import { VERSION } from '../version.ts';
import { type CommandContext, CommandError, reasonOf } from './context.ts';

/** `pcc upload FILE`: a collection made with `pcc collect` (or the reference's pcc) as multipart `file`. */
export async function uploadCommand(ctx: CommandContext): Promise<number> {
  const { settings, positionals } = ctx;
  const file = positionals[0];
  if (!file) throw new CommandError('which file? usage: pcc upload FILE');
  const baseUrl = required(settings.serverUrl, 'The server URL', 'pass --server-url or set PCC_SERVER_URL');
  const apiKey = required(settings.apiKey, 'The API key', 'pass --api-key or set PCC_APIKEY');
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw new CommandError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const form = new FormData();
  form.append('file', await openAsBlob(file), basename(file));
  const description = ctx.flags.description;
  if (typeof description === 'string') form.append('description', description);
  let res: Response;
  try {
    res = await fetch(new URL(METRICS_PATH, baseUrl), {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'user-agent': `pcc/${VERSION}` },
      body: form,
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(10 * 60_000)]),
    });
  } catch (err) {
    throw new CommandError(`upload failed: ${(err as Error).message}`);
  }
  const body = await res.text();
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    data = undefined;
  }
  if (res.status !== 201 && res.status !== 200)
    throw new CommandError(`upload refused: ${reasonOf(res.status, data, body)}`);
  if (ctx.flags.json) ctx.out(`${JSON.stringify(data ?? {}, null, 2)}\n`);
  else {
    const id = (data as { data_id?: string } | undefined)?.data_id;
    ctx.out(`Uploaded ${file} (${size} bytes)${id ? ` as collected data ${id}` : ''}\n`);
  }
  return 0;
}
