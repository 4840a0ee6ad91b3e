/**
 * A fast 106-bit non-cryptographic hash (two 53-bit cyrb53 lanes) as 22 base-36 characters, for ids derived from
 * content (batch ids, the specs fingerprint). The agent does not load node:crypto just for this: OpenSSL's setup
 * costs a few MB of resident memory, and the agent's budget is a bare Node process + 30 %.
 */
export function contentHash(text: string): string {
  return (
    cyrb53(text, 0x9e3779b1).toString(36).padStart(11, '0') + cyrb53(text, 0x85ebca77).toString(36).padStart(11, '0')
  );
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** An id unlikely to repeat: time plus randomness (a spool's identity; not a secret). */
export function randomId(): string {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}
