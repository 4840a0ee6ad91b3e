import type { VM_BRANDS } from '@xat/contracts';
import type { RootReader } from './read.ts';

export type VmBrand = (typeof VM_BRANDS)[number];

/**
 * Cloud or hardware vendor from DMI (/sys/class/dmi/id), the way cloud-init tells clouds apart. A machine whose CPU
 * has no `hypervisor` flag and whose maker we do not know is bare metal; without DMI it is unknown.
 */
export function detectVmBrand(sys: RootReader, cpuinfo: string | undefined): VmBrand {
  const dmi = (key: string) => sys.text(`sys/class/dmi/id/${key}`)?.trim() ?? '';
  const vendor = dmi('sys_vendor');
  const product = dmi('product_name');
  const bios = `${dmi('bios_vendor')} ${dmi('bios_version')}`;
  const asset = dmi('chassis_asset_tag');
  const board = dmi('board_vendor');
  if (!vendor && !product && !bios.trim() && !asset) return 'unknown';
  const all = `${vendor} ${product} ${bios} ${board}`;
  if (/amazon/i.test(all) || /^i-[0-9a-f]+$/.test(dmi('board_asset_tag'))) return 'aws';
  if (asset === '7783-7084-3265-9085-8269-3286-77' || /microsoft corporation/i.test(vendor)) return 'azure';
  if (/google/i.test(all)) return 'gcp';
  if (/oraclecloud/i.test(asset)) return 'oracle_cloud';
  if (/vmware/i.test(all)) return 'vmware';
  if (/^dell/i.test(vendor)) return 'dell';
  if (/^(hp|hpe|hewlett)/i.test(vendor)) return 'hp';
  if (/^lenovo/i.test(vendor)) return 'lenovo';
  const virtual = /(^|\s)hypervisor(\s|$)/m.test(cpuinfo ?? '') || /qemu|kvm|xen|virtualbox|innotek|bochs/i.test(all);
  return virtual ? 'other' : 'bare_metal';
}
