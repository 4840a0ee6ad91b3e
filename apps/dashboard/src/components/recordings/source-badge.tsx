import type { Recording } from '@xat/contracts';
import { isActiveSession, SOURCE_LABEL } from '../../lib/recordings.ts';

/** Where a recording came from, in words, and an "active" badge while a trickle session still receives rounds. */
export function SourceBadge({ recording }: { recording: Pick<Recording, 'source' | 'status'> }) {
  return (
    <span>
      {SOURCE_LABEL[recording.source]}
      {isActiveSession(recording) && (
        <>
          {' '}
          <span className="badge ok" title="Still receiving rounds from the agent">
            active
          </span>
        </>
      )}
    </span>
  );
}
