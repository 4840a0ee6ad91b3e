import type { User } from '@xat/contracts';

export interface NavLink {
  to: string;
  label: string;
}

const EVERYONE: NavLink[] = [
  { to: '/servers', label: 'Servers' },
  { to: '/recordings', label: 'Recordings' },
  { to: '/compare', label: 'Compare' },
  { to: '/load-tests', label: 'Load tests' },
  { to: '/benchmarks', label: 'Benchmarks' },
];
const ADMINS: NavLink[] = [
  { to: '/users', label: 'Users' },
  { to: '/settings', label: 'Settings' },
];

/** The sections a role sees: the team's users and settings only to its admins. */
export const navLinks = (role: User['role'] | undefined): NavLink[] =>
  role === 'admin' ? [...EVERYONE, ...ADMINS] : EVERYONE;

/** A section is current on its own page and the pages under it (`/servers/42`), not on `/servers-old`. */
export const isCurrent = (path: string, to: string): boolean => path === to || path.startsWith(`${to}/`);
