import { type DataPoint, LOAD_LEVELS } from '@xat/contracts';
import type { loadTestResults } from '../../db/schema.ts';

/** The unit columns, in the order of LOAD_LEVELS and UNIT_FIELDS. */
export const UNIT_COLUMNS = [
  'units10pct',
  'units20pct',
  'units30pct',
  'units40pct',
  'units50pct',
  'units60pct',
  'units70pct',
  'units80pct',
  'units90pct',
  'units100pct',
] as const satisfies readonly (keyof typeof loadTestResults.$inferSelect)[];

export type UnitColumns = Record<(typeof UNIT_COLUMNS)[number], number>;

export const unitsOf = (row: UnitColumns): number[] => UNIT_COLUMNS.map((c) => row[c]);

/** The reference's derived figures: data points, max, and avg = floor(sum / 10) with zeros included. */
export function summarizeUnits(units: readonly number[]): {
  data_points: DataPoint[];
  max_units: number;
  avg_units: number;
} {
  return {
    data_points: LOAD_LEVELS.map((utilization, i) => ({ utilization, work_units: units[i] ?? 0 })),
    max_units: Math.max(0, ...units),
    avg_units: Math.floor(units.reduce((a, b) => a + b, 0) / LOAD_LEVELS.length),
  };
}
