/**
 * Which devices count towards host totals. Summing every row double counts: a partition's I/O is also its disk's,
 * a dm/md device's I/O is also its members', and container veths and bridges carry traffic that also crosses the NIC.
 */

const NOT_A_DISK = /^(loop|ram|zram|sr|fd|dm-|md|nbd|drbd|rbd|bcache)/;
const PARTITION = [/^(sd|vd|xvd|hd)[a-z]+\d+$/, /^(nvme\d+n\d+|mmcblk\d+|nbd\d+)p\d+$/];

/** A whole physical or virtual disk (sda, vdb, xvda, nvme0n1, mmcblk0), not a partition, mapper, loop or CD. */
export function isWholeDisk(name: string): boolean {
  return !NOT_A_DISK.test(name) && !PARTITION.some((pattern) => pattern.test(name));
}

const VIRTUAL_INTERFACE = /^(lo$|veth|docker|br-|cni|virbr|podman|cali|flannel|vxlan|tun|tap|kube-|cilium|weave)/;

/** An interface whose traffic leaves the host (eth0, ens5, enp0s5, bond0), not loopback or container plumbing. */
export function isPhysicalInterface(name: string): boolean {
  return !VIRTUAL_INTERFACE.test(name);
}
