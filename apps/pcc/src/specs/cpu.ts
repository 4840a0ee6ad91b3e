import type { PROCESSOR_BRANDS } from '@xat/contracts';

export type ProcessorBrand = (typeof PROCESSOR_BRANDS)[number];

// Arm cores by `CPU implementer` and `CPU part` (as lscpu names them); ARM servers' cpuinfo has no model name.
const ARM_IMPLEMENTERS: Record<string, string> = {
  '0x41': 'ARM',
  '0xc0': 'Ampere',
  '0x61': 'Apple',
  '0x48': 'HiSilicon',
};
const ARM_PARTS: Record<string, string> = {
  '0xd03': 'Cortex-A53',
  '0xd07': 'Cortex-A57',
  '0xd08': 'Cortex-A72',
  '0xd0b': 'Cortex-A76',
  '0xd0c': 'Neoverse-N1',
  '0xd40': 'Neoverse-V1',
  '0xd49': 'Neoverse-N2',
  '0xd4f': 'Neoverse-V2',
  '0xac3': 'AmpereOne',
};

/** The first processor block's fields. */
function firstBlock(cpuinfo: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of cpuinfo.split('\n')) {
    if (line.trim() === '') {
      if (fields.size) break;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

export function detectCpu(cpuinfo: string | undefined): { brand: ProcessorBrand; model: string } {
  if (!cpuinfo) return { brand: 'unknown', model: '' };
  const f = firstBlock(cpuinfo);
  const vendor = f.get('vendor_id') ?? '';
  const modelName = (f.get('model name') ?? '').replace(/\s+/g, ' ');
  if (vendor === 'GenuineIntel') return { brand: 'intel', model: modelName };
  if (vendor === 'AuthenticAMD' || vendor === 'HygonGenuine') return { brand: 'amd', model: modelName };
  const implementer = f.get('CPU implementer')?.toLowerCase();
  if (implementer) {
    const maker = ARM_IMPLEMENTERS[implementer];
    const part = ARM_PARTS[f.get('CPU part')?.toLowerCase() ?? ''];
    const model = modelName || [maker, part].filter(Boolean).join(' ');
    const brand = implementer === '0xc0' || /ampere/i.test(model) ? 'ampere' : 'arm';
    return { brand, model };
  }
  return { brand: modelName ? 'other' : 'unknown', model: modelName };
}
