/** NAME and VERSION_ID (else VERSION) of /etc/os-release, unquoted. */
export function parseOsRelease(text: string | undefined): { name: string; version: string } {
  const fields = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) fields.set(m[1], m[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  return { name: fields.get('NAME') ?? 'Linux', version: fields.get('VERSION_ID') ?? fields.get('VERSION') ?? '' };
}
