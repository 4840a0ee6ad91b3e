import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootReader } from '../specs/read.ts';
import { fixturePath } from '../testing/paths.ts';
import { tempDirs } from '../testing/temp-dirs.ts';
import { parsePressureSome, readFreqMhz, realMeters } from './meters.ts';

const freshDir = tempDirs('pcc-meters-');
function fakeRoot(files: Record<string, string>) {
  const root = freshDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return rootReader(root);
}

describe('the real machine’s condition readers', () => {
  it('the CPU clock: cpufreq where present (kHz, mean of all CPUs), else /proc/cpuinfo, else nothing', () => {
    // The project machine: no cpufreq in the VM, `cpu MHz` in /proc/cpuinfo.
    expect(readFreqMhz(rootReader(fixturePath('debian-vm', 'root')))).toBeCloseTo(2596.094, 3);
    const sys = fakeRoot({
      'sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq': '3400000\n',
      'sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq': '1200000\n',
      'sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq': '999\n',
      'proc/cpuinfo': 'processor\t: 0\ncpu MHz\t\t: 800.000\n',
    });
    expect(readFreqMhz(sys)).toBe(2300);
    // Arm kernels show no clock in /proc/cpuinfo.
    expect(readFreqMhz(fakeRoot({ 'proc/cpuinfo': 'processor\t: 0\nBogoMIPS\t: 243.75\n' }))).toBeUndefined();
  });

  it('CPU pressure: `some avg10` of /proc/pressure/cpu; nothing without PSI', () => {
    const text =
      'some avg10=12.34 avg60=3.90 avg300=3.90 total=22747100\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
    expect(parsePressureSome(text)).toBe(12.34);
    expect(parsePressureSome(undefined)).toBeUndefined();
  });

  it('reads throttling only where a quota binds, from that group’s cpu.stat (captured cgroup v1 tree)', () => {
    const files = rootReader(fixturePath('cgroup-v1', 'root'));
    const own = () => 0;
    const limited = realMeters(
      files,
      { vcpus: 2, effective_cpus: 0.5, cpu_stat: '/sys/fs/cgroup/cpu/xat-capture/job/cpu.stat' },
      own,
    );
    expect(limited.throttling?.()).toEqual({ periods: 11, throttled: 10, throttledUsec: 383098.021 });
    expect(realMeters(files, { vcpus: 2, effective_cpus: 2 }, own).throttling).toBeUndefined();
    // No /proc in the capture: no pressure, and /proc/stat missing is an error, not a silent zero.
    expect(limited.cpuPressure?.()).toBeUndefined();
    expect(() => limited.machine()).toThrow('/proc/stat has no cpu line');
  });
});
