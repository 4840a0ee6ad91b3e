import { describe, expect, it } from 'vitest';
import { processCollection } from './pcprocess.ts';
import { readFixture as read } from './test-support.ts';

const sortLines = (text: string) => text.split('\n').sort().join('\n');

describe('processCollection on the reference recordings', () => {
  it.each([
    ['sys-info-test', ['proc/stat', 'proc/meminfo', 'proc/net/dev', 'proc/diskstats', 'statfs_ALL']],
    [
      'loadtest-cpuinfo',
      ['proc/stat', 'proc/meminfo', 'proc/net/dev', 'proc/diskstats', 'statfs_ALL', 'system_info.json'],
    ],
  ])('%s: writes exactly the reference files', (recording, expectedFiles) => {
    const output = processCollection(read(`${recording}/${recording}.json`));
    expect([...output.keys()].sort()).toEqual([...expectedFiles].sort());
    for (const path of expectedFiles) {
      const reference = read(`${recording}/csv/${path}`);
      const ours = output.get(path) ?? '';
      // The reference writes network rows in Go-map order; everything else is in a fixed order.
      if (path === 'proc/net/dev') expect(sortLines(ours)).toBe(sortLines(reference));
      else expect(ours).toBe(reference);
    }
  });
});

const stat = (jiffies: number[]) => `cpu  ${jiffies.join(' ')}\ncpu0 ${jiffies.join(' ')}\nbtime 1\n`;
const line = (timestamp: number, subsystem: string, measurement: string) =>
  JSON.stringify({ timestamp, subsystem, measurement });

describe('processCollection pairing (REFERENCE 2.2)', () => {
  const rounds = [
    line(100, '/proc/stat', stat([0, 0, 0, 100, 0, 0, 0, 0, 0, 0])),
    line(105, '/proc/stat', stat([999, 0, 0, 100, 0, 0, 0, 0, 0, 0])),
    line(110, '/proc/stat', stat([100, 0, 0, 1100, 0, 0, 0, 0, 0, 0])),
    line(115, '/proc/stat', stat([200, 0, 0, 1500, 0, 0, 0, 0, 0, 0])),
  ];

  it('writes nothing for one round and only the header for two', () => {
    expect(processCollection(rounds[0] ?? '').size).toBe(0);
    expect(processCollection(rounds.slice(0, 2).join('\n')).get('proc/stat')).toBe(
      '#timestamp,CPU,%usr,%nice,%system,%iowait,%steal,%idle\n',
    );
  });

  it('computes the first row over rounds 0→2 (round 1 is never used) and later rows over one interval', () => {
    const rows = (processCollection(rounds.join('\n')).get('proc/stat') ?? '').split('\n').slice(1, -1);
    expect(rows).toEqual([
      '110,-1,9.090909090909092,0,0,0,0,90.9090909090909',
      '110,0,9.090909090909092,0,0,0,0,90.9090909090909',
      '115,-1,20,0,0,0,0,80',
      '115,0,20,0,0,0,0,80',
    ]);
  });

  it('skips a round whose CPU count changed instead of failing, then carries on', () => {
    const hotPlug = `${stat([300, 0, 0, 1900, 0, 0, 0, 0, 0, 0])}cpu1 1 0 0 1 0 0 0 0 0 0\n`;
    const text = [...rounds, line(120, '/proc/stat', hotPlug), line(125, '/proc/stat', `${hotPlug}`)].join('\n');
    const rows = (processCollection(text).get('proc/stat') ?? '').split('\n').filter((l) => l.startsWith('12'));
    expect(rows.map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['125,-1', '125,0', '125,1']);
  });

  it('ignores garbage lines, unknown subsystems and unusable samples without throwing', () => {
    const text = [
      'not json',
      '{"timestamp":"x"}',
      line(100, '/proc/stat', 'garbage'),
      ...rounds,
      line(120, '/proc/stat', ''),
      line(120, 'container/docker/abc', '{}'),
      '{"timestamp":125,"subsys',
    ].join('\n');
    expect(() => processCollection(text)).not.toThrow();
    expect(processCollection(text).get('proc/stat')?.split('\n')).toHaveLength(6);
  });
});
