import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads files under a root ("/" on a host, a captured tree in tests); unreadable → undefined, never throws. */
export interface RootReader {
  text(path: string): string | undefined;
  list(path: string): string[];
}

export function rootReader(root = '/'): RootReader {
  return {
    text(path) {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    list(path) {
      try {
        return readdirSync(join(root, path));
      } catch {
        return [];
      }
    },
  };
}
