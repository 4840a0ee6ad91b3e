import { nextPref, setThemePref, type ThemePref, useTheme } from '../lib/theme.ts';

const NAMES: Record<ThemePref, string> = { system: 'System', light: 'Light', dark: 'Dark' };

function Icon({ pref }: { pref: ThemePref }) {
  const common = { width: 16, height: 16, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2 };
  if (pref === 'light')
    return (
      <svg {...common} aria-hidden="true">
        <circle cx="12" cy="12" r="4" />
        <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
      </svg>
    );
  if (pref === 'dark')
    return (
      <svg {...common} aria-hidden="true">
        <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
      </svg>
    );
  return (
    <svg {...common} aria-hidden="true">
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </svg>
  );
}

/** One button cycling System → Light → Dark; its name says the current theme and what a click does. */
export function ThemeToggle() {
  const { pref } = useTheme();
  const next = nextPref(pref);
  return (
    <button
      type="button"
      className="ghost small"
      aria-label={`Theme: ${NAMES[pref]}. Switch to ${NAMES[next].toLowerCase()} theme`}
      title={`Theme: ${NAMES[pref]} (click for ${NAMES[next]})`}
      onClick={() => setThemePref(next)}
    >
      <Icon pref={pref} />
      <span>{NAMES[pref]}</span>
    </button>
  );
}
