import type { ReactNode } from 'react';
import { CopyButton } from './bits.tsx';

/**
 * The agent's own load test, three runs in a series so that a comparison has an interval. As root: install.sh keeps
 * the agent's key in a file only root reads.
 */
export const PCC_LOADTEST_COMMAND = 'sudo pcc loadtest --runs 3';

/**
 * How to get a load test: run the agent's on the server (it judges the runs and uploads them by itself), or, as the
 * alternative, import a perfcpumeasure file (`alternative` says where).
 */
export function LoadTestHint({ where = 'on the server', alternative }: { where?: string; alternative: ReactNode }) {
  return (
    <div className="hint-block">
      <div>Run the agent's load test {where}; it measures 10 … 100 % and uploads the result here:</div>
      <div className="command">
        <output aria-label="Load test command">
          <code>{PCC_LOADTEST_COMMAND}</code>
        </output>
        <CopyButton text={PCC_LOADTEST_COMMAND} label="Copy load test command" />
      </div>
      <div>{alternative}</div>
    </div>
  );
}
