/**
 * A landscape (`Landscape`) with its grids as flat Float64Arrays, the form in which the pool sends
 * it to the worker that computes the diagnostics (issue 15). Structured-cloning a 2-D landscape's
 * nested number arrays (f and each g on the 201 × 201 grid: one tagged double at a time) took
 * 20-45 ms on the host and as long again in the worker, on the run's path between the last trial
 * and the diagnostics; a Float64Array clones as one copy. A runner that keeps landscapes for later
 * runs keeps them packed, so a run that reuses one unpacks a fresh copy (the result's readers may
 * change it) and sends the packed form on as it is.
 *
 * Unpacking gives back the same landscape, number for number (a Float64Array holds every double,
 * −0 and NaN included); only arrays of number arrays (f, a curve's values and standard errors)
 * are packed, everything else is carried as it is.
 */
import type { Landscape, SmoothedCurve } from './resultTypes';

/** `rows` rows of `data.length / rows` numbers each. */
export interface PackedGrid {
  rows: number;
  data: Float64Array;
}

/** A 1-D array of numbers, or a grid packed. */
type PackedValues = number[] | PackedGrid;

export interface PackedLandscape extends Omit<Landscape, 'f' | 'smoothed'> {
  packed: 'landscape/1';
  f: PackedValues;
  smoothed: Array<Omit<SmoothedCurve, 'values' | 'stdError'> & { values: PackedValues; stdError?: PackedGrid }>;
}

/** A copy of the landscape's grids as Float64Arrays (the landscape itself is not changed). */
export function packLandscape(landscape: Landscape): PackedLandscape {
  const { f, smoothed, ...rest } = landscape;
  return {
    ...copy(rest),
    packed: 'landscape/1',
    f: packValues(f),
    smoothed: smoothed.map(({ values, stdError, ...curve }) => ({
      ...copy(curve),
      values: packValues(values),
      ...(stdError ? { stdError: packGrid(stdError) } : {}),
    })),
  };
}

/** The landscape packed, as new arrays (nothing of `p` is shared with it). */
export function unpackLandscape(p: PackedLandscape): Landscape {
  const { f, smoothed, packed: _packed, ...rest } = p;
  return {
    ...copy(rest),
    f: unpackValues(f),
    smoothed: smoothed.map(({ values, stdError, ...curve }) => ({
      ...copy(curve),
      values: unpackValues(values),
      ...(stdError ? { stdError: unpackGrid(stdError) } : {}),
    })),
  } as Landscape;
}

export function isPackedLandscape(v: Landscape | PackedLandscape): v is PackedLandscape {
  return (v as PackedLandscape).packed === 'landscape/1';
}

function packValues(v: number[] | number[][]): PackedValues {
  return v.length > 0 && Array.isArray(v[0]) ? packGrid(v as number[][]) : [...(v as number[])];
}

function unpackValues(v: PackedValues): number[] | number[][] {
  return Array.isArray(v) ? [...v] : unpackGrid(v);
}

function packGrid(rows: number[][]): PackedGrid {
  const n = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * n);
  rows.forEach((row, i) => {
    if (row.length !== n) throw new RangeError(`a grid row of ${row.length} numbers among rows of ${n}`);
    for (let j = 0; j < n; j++) data[i * n + j] = row[j];
  });
  return { rows: rows.length, data };
}

function unpackGrid({ rows, data }: PackedGrid): number[][] {
  const n = rows > 0 ? data.length / rows : 0;
  const out = new Array<number[]>(rows);
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = data[i * n + j];
    out[i] = row;
  }
  return out;
}

/** A deep copy of plain arrays and objects of numbers and strings (the landscape's small fields). */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copy(x);
    return out as T;
  }
  return v;
}
