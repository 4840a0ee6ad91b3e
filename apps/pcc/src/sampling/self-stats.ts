import type { AgentReport } from '../upload/uploader.ts';
import { VERSION } from '../version.ts';

/** The agent's own CPU (percent of one core since the previous report) and resident memory. */
export class SelfStats {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  report(): AgentReport {
    const cpu = process.cpuUsage();
    const at = performance.now();
    const usedUs = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const wallMs = at - this.lastAt;
    this.lastCpu = cpu;
    this.lastAt = at;
    const cpuPct = wallMs > 0 ? Math.round((usedUs / 1000 / wallMs) * 100 * 1000) / 1000 : 0;
    return { version: VERSION, cpu_pct: cpuPct, rss_bytes: process.memoryUsage.rss() };
  }
}
