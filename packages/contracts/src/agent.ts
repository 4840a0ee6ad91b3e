import { type Static, Type } from 'typebox';
import { Decimal, PROCESSOR_BRANDS, STORAGE_TYPES, VM_BRANDS } from './collectors.ts';
import { Nullable, Uuid } from './common.ts';

const Gib = Nullable(Decimal(10, 2));

/**
 * What an agent reports about its machine (`POST /api/v1/register/`). Fields left out keep their stored value;
 * unknown fields are ignored, as newer agents may send more.
 */
export const RegisterSchema = Type.Object({
  hostname: Type.String({ minLength: 1, maxLength: 255 }),
  ip_address: Type.Optional(Nullable(Type.Union([Type.String({ format: 'ipv4' }), Type.String({ format: 'ipv6' })]))),
  os_name: Type.Optional(Type.String({ maxLength: 100 })),
  os_version: Type.Optional(Type.String({ maxLength: 50 })),
  kernel_version: Type.Optional(Type.String({ maxLength: 100 })),
  vm_brand: Type.Optional(Type.Enum(VM_BRANDS)),
  processor_brand: Type.Optional(Type.Enum(PROCESSOR_BRANDS)),
  processor_model: Type.Optional(Type.String({ maxLength: 200 })),
  vcpus: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
  effective_cpus: Type.Optional(
    Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'CPUs its quota and cpuset allow' })),
  ),
  memory_gib: Type.Optional(Gib),
  storage_gib: Type.Optional(Gib),
  storage_type: Type.Optional(Type.Enum(STORAGE_TYPES)),
});
export type Register = Static<typeof RegisterSchema>;

export const RegisteredSchema = Type.Object({
  status: Type.Literal('registered'),
  collector_id: Uuid,
  name: Type.String(),
  message: Type.String(),
});

/** `POST /api/v1/metrics/` with a multipart `file` (+ `description`): any file name, stored as collected data. */
export const MetricsUploadedSchema = Type.Object({
  status: Type.Literal('uploaded'),
  data_id: Uuid,
  file_size: Type.Integer(),
});
