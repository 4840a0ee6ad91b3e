/** Display formatting: every number a person reads goes through here, so units and rounding stay consistent. */

const DASH = '—';
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345.678 → "12,345.68" (up to `digits` decimals, thousands separated). */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (digits === 0) return intFormat.format(value);
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(value);
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${value.toFixed(digits)} %`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB" (binary units, one decimal past KiB, none for bytes). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return DASH;
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const sign = bytes < 0 ? '-' : '';
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${sign}${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export const formatBytesPerSecond = (bps: number | null | undefined) =>
  bps === null || bps === undefined || !Number.isFinite(bps) ? DASH : `${formatBytes(bps)}/s`;

export const formatKb = (kb: number | null | undefined) =>
  kb === null || kb === undefined ? DASH : formatBytes(kb * 1024);

/** Memory in GiB as entered for a server: 16 → "16 GiB", 7.5 → "7.5 GiB". */
export function formatGib(gib: number | null | undefined): string {
  if (gib === null || gib === undefined || !Number.isFinite(gib)) return DASH;
  return `${formatNumber(gib, 1)} GiB`;
}

/** USD per hour as entered (up to 4 decimals): 0.096 → "$0.096/h", 0.0416 → "$0.0416/h", 1.5 → "$1.50/h". */
export function formatHourlyCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return DASH;
  const minDigits = usd < 1 ? 3 : 2;
  let text = usd.toFixed(4);
  while (text.split('.')[1]?.length !== minDigits && text.endsWith('0')) text = text.slice(0, -1);
  return `$${text}/h`;
}

/** When something was last heard from: "just now", "45 s ago", "2 min ago", "3 h ago", "5 days ago", or the date. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'never';
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 0) return 'just now';
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 30) return `${days} ${days === 1 ? 'day' : 'days'} ago`;
  return formatDate(then / 1000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch seconds → "2025-11-25" in local time. */
export function formatDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Epoch seconds → "2025-11-25 14:03" in local time (seconds shown when asked). */
export function formatDateTime(epochSeconds: number, withSeconds = false): string {
  const d = new Date(epochSeconds * 1000);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${formatDate(epochSeconds)} ${time}`;
}

export const formatIsoDateTime = (iso: string | null | undefined) =>
  iso ? formatDateTime(Date.parse(iso) / 1000) : DASH;

/** 3725 → "1 h 2 min", 42 → "42 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** A gap's span for "no data from … to …": the date once when both ends are on the same day. */
export function formatSpan(from: number, to: number): string {
  const a = formatDateTime(from);
  const b = formatDateTime(to);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} to ${b.slice(11)}` : `${a} to ${b}`;
}

/** USD a month, whole dollars past $100: "$1,234/month", "$42.50/month". */
export function formatMonthly(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return DASH;
  const text = usd >= 100 ? formatNumber(usd, 0) : usd.toFixed(2);
  return `$${text}/month`;
}
