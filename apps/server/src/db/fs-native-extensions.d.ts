// The part of fs-native-extensions (holepunchto; ships no types) that db/lock.ts uses.
declare module 'fs-native-extensions' {
  /** An advisory lock on the file open as `fd` (Linux: an OFD fcntl lock; macOS: flock); false when another holds it. */
  export function tryLock(fd: number, offset?: number, length?: number, opts?: { shared?: boolean }): boolean;
  export function unlock(fd: number, offset?: number, length?: number): void;
}
