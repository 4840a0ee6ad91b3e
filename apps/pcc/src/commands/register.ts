import { HttpClient } from '../http.ts';
import { rememberRegistration, sendRegistration } from '../register.ts';
import { required } from '../settings.ts';
import { detectSpecs } from '../specs/specs.ts';
import { type CommandContext, CommandError } from './context.ts';

/** `pcc register`: detect the specs, send them, remember the collector id. */
export async function registerCommand(ctx: CommandContext): Promise<number> {
  const { settings } = ctx;
  const client = new HttpClient({
    baseUrl: required(settings.serverUrl, 'The server URL', 'pass --server-url or set PCC_SERVER_URL'),
    apiKey: required(settings.apiKey, 'The API key', 'pass --api-key or set PCC_APIKEY'),
    timeoutMs: 15_000,
  });
  try {
    const specs = detectSpecs();
    const result = await sendRegistration(client, specs);
    if (!result.ok) throw new CommandError(`registration failed: ${result.reason}`);
    try {
      rememberRegistration(settings.dataDir, specs, result);
    } catch (err) {
      ctx.log.warn('registered, but the state could not be saved', { data_dir: settings.dataDir, err });
    }
    if (ctx.flags.json) {
      ctx.out(`${JSON.stringify({ collector_id: result.collectorId, name: result.name, specs }, null, 2)}\n`);
    } else {
      const summary = [
        `${specs.vcpus ?? '?'} vCPUs`,
        `${specs.memory_gib ?? '?'} GiB RAM`,
        specs.processor_model,
        specs.storage_gib ? `${specs.storage_gib} GiB ${specs.storage_type}` : '',
        specs.vm_brand,
      ].filter(Boolean);
      ctx.out(`Registered "${result.name}" (${result.collectorId}) from ${specs.hostname}: ${summary.join(', ')}\n`);
    }
    return 0;
  } finally {
    client.close();
  }
}
