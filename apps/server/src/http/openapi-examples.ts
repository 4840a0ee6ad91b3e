/**
 * Request bodies of the seed flow, shown as examples in the OpenAPI document: sign in, create a collector, the agent
 * registers and uploads metrics, a load test is stored. test/openapi.test.ts sends each of them to the API.
 */
const COLLECTOR_ID = '0f3c6a52-8d1e-4b7a-9c21-5e8a7b6d4c10';
const AT = 1_767_225_600; // 2026-01-01T00:00:00Z

export const SEED_EXAMPLES = {
  token: { username: 'admin', password: 'correct-horse-battery' },
  collectorCreate: {
    name: 'web-01',
    description: 'Front-end VM, eu-west',
    vm_brand: 'aws',
    processor_brand: 'intel',
    processor_model: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz',
    vcpus: 4,
    memory_gib: 16,
    storage_gib: 100,
    storage_type: 'nvme',
    hourly_cost: 0.192,
  },
  register: {
    hostname: 'web-01',
    ip_address: '10.0.0.7',
    os_name: 'Ubuntu',
    os_version: '24.04',
    kernel_version: '6.8.0-45-generic',
    vm_brand: 'aws',
    processor_brand: 'intel',
    processor_model: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz',
    vcpus: 4,
    effective_cpus: 4,
    memory_gib: 15.6,
    storage_gib: 100,
    storage_type: 'nvme',
  },
  metricsBatch: {
    batch_id: 'web-01-000001',
    collector_time: AT + 1,
    samples: [
      {
        timestamp: AT,
        interval_seconds: 60,
        host: {
          cpu_user: 12.5,
          cpu_system: 3.1,
          cpu_iowait: 0.4,
          cpu_steal: 0,
          cpu_idle: 84,
          cpu_busy: 16,
          mem_used_pct: 41.2,
          mem_available_kb: 9_610_240,
          disk_read_bps: 40_960,
          disk_write_bps: 512_000,
          net_rx_bps: 125_000,
          net_tx_bps: 98_000,
        },
        cpus: [{ cpu: 0, user: 14, system: 3, idle: 83, busy: 17 }],
        disks: [{ name: 'nvme0n1', read_bps: 40_960, write_bps: 512_000, busy_pct: 2.5 }],
        interfaces: [{ name: 'eth0', rx_bps: 125_000, tx_bps: 98_000 }],
        filesystems: [{ mount_point: '/', size_bytes: 107_374_182_400, avail_bytes: 64_424_509_440, used_pct: 40 }],
      },
    ],
  },
  rawRounds: {
    measurements: [
      { timestamp: AT, subsystem: '/proc/stat', measurement: 'cpu  4705 356 584 3699 23 23 0 0 0 0\n' },
      { timestamp: AT + 60, subsystem: '/proc/stat', measurement: 'cpu  4805 356 604 3739 23 23 0 0 0 0\n' },
    ],
  },
  loadTestCreate: {
    collector: COLLECTOR_ID,
    units_10pct: 1_190,
    units_20pct: 2_370,
    units_30pct: 3_560,
    units_40pct: 4_740,
    units_50pct: 5_910,
    units_60pct: 7_080,
    units_70pct: 8_240,
    units_80pct: 9_390,
    units_90pct: 10_520,
    units_100pct: 11_630,
    notes: 'pcc loadtest, quiet host',
  },
} as const;
