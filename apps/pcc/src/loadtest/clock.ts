import { CommandError } from '../commands/context.ts';
import type { Clock } from './controller.ts';

/** The real clock; a sleep ends early with an error when the command is interrupted (SIGINT, SIGTERM). */
export function realClock(signal: AbortSignal): Clock {
  return {
    now: () => performance.now(),
    sleep: (ms) =>
      new Promise((resolve, reject) => {
        if (signal.aborted) return reject(new CommandError('load test interrupted'));
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', stop);
          resolve();
        }, ms);
        function stop() {
          clearTimeout(timer);
          reject(new CommandError('load test interrupted'));
        }
        signal.addEventListener('abort', stop, { once: true });
      }),
  };
}
