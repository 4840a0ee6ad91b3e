import { describe, expect, it } from 'vitest';
import { isCurrent, navLinks } from './nav.ts';

describe('navigation', () => {
  it("shows the team's users and settings to admins only", () => {
    const labels = (role: Parameters<typeof navLinks>[0]) => navLinks(role).map((l) => l.label);
    expect(labels('admin')).toEqual([
      'Servers',
      'Recordings',
      'Compare',
      'Load tests',
      'Benchmarks',
      'Users',
      'Settings',
    ]);
    expect(labels('member')).toEqual(['Servers', 'Recordings', 'Compare', 'Load tests', 'Benchmarks']);
    expect(labels('viewer')).toEqual(labels('member'));
    expect(labels(undefined)).toEqual(labels('member'));
  });

  it('marks a section current on its pages only', () => {
    expect(isCurrent('/servers', '/servers')).toBe(true);
    expect(isCurrent('/servers/42', '/servers')).toBe(true);
    expect(isCurrent('/servers-old', '/servers')).toBe(false);
    expect(isCurrent('/compare', '/servers')).toBe(false);
    expect(isCurrent('/recordings/compare', '/recordings')).toBe(true);
    expect(isCurrent('/recordings/compare', '/compare')).toBe(false);
  });
});
