import { useEffect, useSyncExternalStore } from 'react';

export type ThemePref = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'xat.theme';
const listeners = new Set<() => void>();
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function readPref(): ThemePref {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export const resolveTheme = (pref: ThemePref, systemDark: boolean): Theme =>
  pref === 'system' ? (systemDark ? 'dark' : 'light') : pref;

/** System → light → dark → system: each click is one step, and the button says what comes next. */
export const nextPref = (pref: ThemePref): ThemePref =>
  pref === 'system' ? 'light' : pref === 'light' ? 'dark' : 'system';

function apply(): void {
  document.documentElement.dataset.theme = resolveTheme(readPref(), media().matches);
  for (const l of listeners) l();
}

export function setThemePref(pref: ThemePref): void {
  try {
    if (pref === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, pref);
  } catch {
    // no storage: the choice lasts until reload
  }
  apply();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const current = () => `${readPref()}:${document.documentElement.dataset.theme ?? 'light'}`;

/** The chosen preference and the theme in effect; follows the system while the preference is "system". */
export function useTheme(): { pref: ThemePref; theme: Theme } {
  const value = useSyncExternalStore(subscribe, current, () => 'system:light');
  useEffect(() => {
    const m = media();
    m.addEventListener('change', apply);
    return () => m.removeEventListener('change', apply);
  }, []);
  const [pref, theme] = value.split(':') as [ThemePref, Theme];
  return { pref, theme };
}
