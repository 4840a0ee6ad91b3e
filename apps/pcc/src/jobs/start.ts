import { runSuite } from '../bench/suite.ts';
import type { Logger } from '../log.ts';
import { JobApi } from './job-api.ts';
import { jobLoop } from './job-loop.ts';

export interface StartJobLoopOptions {
  serverUrl: string;
  apiKey: string;
  dataDir: string;
  log: Logger;
  signal: AbortSignal;
}

/** `pcc run`'s job loop with the real suite and its own connections; never rejects (the daemon goes on sampling). */
export async function startJobLoop(o: StartJobLoopOptions): Promise<void> {
  const api = new JobApi(o.serverUrl, o.apiKey);
  try {
    await jobLoop({ ...o, api, runSuite });
  } catch (err) {
    o.log.error('job loop stopped', { err });
  } finally {
    api.close();
  }
}
