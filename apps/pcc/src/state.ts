/** What the agent remembers between runs (data dir/agent.json): its registration and its last upload. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AgentState {
  collector_id?: string;
  collector_name?: string;
  registered_at?: string;
  specs_hash?: string;
  last_upload_at?: string;
  last_upload_error?: string;
  last_upload_error_at?: string;
}

export const stateFile = (dataDir: string) => join(dataDir, 'agent.json');
export const deadLetterFile = (dataDir: string) => join(dataDir, 'dead-letter.ndjson');
export const spoolDir = (dataDir: string) => join(dataDir, 'spool');

export function readState(dataDir: string): AgentState {
  try {
    const value: unknown = JSON.parse(readFileSync(stateFile(dataDir), 'utf8'));
    return typeof value === 'object' && value !== null ? (value as AgentState) : {};
  } catch {
    return {};
  }
}

/** Merges a change into the state file (atomically: a crash leaves the old or the new file, never half of one). */
export function updateState(dataDir: string, change: Partial<AgentState>): AgentState {
  const next = { ...readState(dataDir), ...change };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = stateFile(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return next;
}
