/** Registration: the host's specs to `POST /api/v1/register/`; remembered so the daemon knows when to send again. */
import type { Register } from '@xat/contracts';
import type { HttpClient } from './http.ts';
import { specsHash } from './specs/specs.ts';
import { type AgentState, updateState } from './state.ts';

export const REGISTER_PATH = '/api/v1/register/';
/** Specs are sent again once a day even when nothing changed (the server learns the agent is alive and current). */
export const REREGISTER_MS = 24 * 3_600_000;

export type RegisterResult =
  | { ok: true; collectorId: string; name: string; message: string }
  | { ok: false; status?: number; reason: string };

export async function sendRegistration(client: HttpClient, specs: Register): Promise<RegisterResult> {
  try {
    const res = await client.json('POST', REGISTER_PATH, specs);
    const data = (res.data ?? {}) as Record<string, unknown>;
    if (res.status === 200 && typeof data.collector_id === 'string') {
      return {
        ok: true,
        collectorId: data.collector_id,
        name: typeof data.name === 'string' ? data.name : '',
        message: typeof data.message === 'string' ? data.message : '',
      };
    }
    const detail = typeof data.detail === 'string' ? data.detail : res.body.slice(0, 300);
    return { ok: false, status: res.status, reason: `${res.status}: ${detail}` };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** Whether the daemon should register now: never done, specs changed, or a day has passed. */
export function registrationDue(state: AgentState, specs: Register, now = Date.now()): boolean {
  if (!state.registered_at || state.specs_hash !== specsHash(specs)) return true;
  return now - Date.parse(state.registered_at) >= REREGISTER_MS;
}

export function rememberRegistration(dataDir: string, specs: Register, result: RegisterResult & { ok: true }) {
  return updateState(dataDir, {
    collector_id: result.collectorId,
    collector_name: result.name,
    registered_at: new Date().toISOString(),
    specs_hash: specsHash(specs),
  });
}
