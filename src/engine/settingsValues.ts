/**
 * The checks of one value against its spec in the settings table (settingsSchema.ts): a number in
 * its range, coordinates, a box, a learning-rate decay, an optimizer with its parameters. Each
 * records every problem (settingsProblems.ts) and returns a clean copy of what was valid.
 * Fields, lists and whole inputs are checked in settingsValidate.ts.
 */
import { describeValue, nearest } from './settingsText';
import { checkKeys, isRecord, join, nameOf, type Problems } from './settingsProblems';
import {
  COORDINATE_MAX,
  DECAY_KINDS,
  DIM_MAX,
  OPTIMIZER_KINDS,
  OPTIMIZER_NAMES,
  inRange,
  rangeText,
  type NumberSpec,
} from './settingsSchema';

function article(spec: NumberSpec): string {
  return spec.kind === 'integer' ? 'an integer' : 'a number';
}

export function numberExpectation(spec: NumberSpec): string {
  const interval = rangeText({ ...spec, zero: undefined });
  return spec.zero ? `0 (${spec.zero}) or ${article(spec)} in ${interval}` : `${article(spec)} in ${interval}`;
}

export function checkNumber(p: Problems, v: unknown, spec: NumberSpec, path: string): number | undefined {
  if (typeof v === 'number' && inRange(v, spec)) return v;
  p.add(path, `must be ${numberExpectation(spec)}, got ${describeValue(v)}`);
  return undefined;
}

function checkCoordinate(p: Problems, v: unknown, path: string): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= COORDINATE_MAX) return v;
  p.add(path, `must be a finite number of magnitude at most ${COORDINATE_MAX.toExponential().replace('+', '')}, got ${describeValue(v)}`);
  return undefined;
}

/** A list of 1…DIM_MAX coordinates (only its first bad entry is reported). */
export function checkCoordinates(p: Problems, v: unknown, path: string, scalarOk = false): number[] | number | undefined {
  if (scalarOk && typeof v === 'number') return checkCoordinate(p, v, path);
  if (!Array.isArray(v)) {
    p.add(path, `must be ${scalarOk ? 'a number (for every axis) or ' : ''}a list of numbers, got ${describeValue(v)}`);
    return undefined;
  }
  if (v.length === 0 || v.length > DIM_MAX) {
    p.add(path, `must have 1 to ${DIM_MAX} entries, got ${v.length}`);
    return undefined;
  }
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = checkCoordinate(p, v[i], `${path}[${i}]`);
    if (x === undefined) return undefined;
    out[i] = x;
  }
  return out;
}

export interface PartialBoxIn {
  low?: number[] | number;
  high?: number[] | number;
}

export function checkBox(p: Problems, v: unknown, path: string): PartialBoxIn | undefined {
  if (!isRecord(v)) {
    p.add(path, `must be an object { "low": [...], "high": [...] }, got ${describeValue(v)}`);
    return undefined;
  }
  const before = p.count;
  const out: PartialBoxIn = {};
  for (const k of checkKeys(p, v, path, ['low', 'high'])) {
    const b = checkCoordinates(p, v[k], join(path, k), true);
    if (b !== undefined) out[k as 'low' | 'high'] = b;
  }
  if (p.count === before && out.low !== undefined && out.high !== undefined) {
    const { low, high } = out;
    if (Array.isArray(low) && Array.isArray(high) && low.length !== high.length) {
      p.add(path, `low and high must have as many entries; got ${low.length} and ${high.length}`);
    } else {
      const n = Array.isArray(low) ? low.length : Array.isArray(high) ? high.length : 1;
      for (let i = 0; i < n; i++) {
        const l = Array.isArray(low) ? low[i] : low;
        const h = Array.isArray(high) ? high[i] : high;
        if (!(l < h)) {
          p.add(path, `low must be below high on every axis; axis ${i} has low ${l} ≥ high ${h}`);
          break;
        }
      }
    }
  }
  return p.count === before ? out : undefined;
}

export function checkDecay(p: Problems, v: unknown, path: string): Record<string, unknown> | undefined {
  const kinds = Object.keys(DECAY_KINDS);
  if (!isRecord(v)) {
    p.add(path, `must be an object with a "kind": one of ${kinds.join(', ')}; got ${describeValue(v)}`);
    return undefined;
  }
  const kind = v.kind;
  if (typeof kind !== 'string' || !kinds.includes(kind)) {
    const near = typeof kind === 'string' ? nearest(kind, kinds) : undefined;
    p.add(join(path, 'kind'), `must be one of ${kinds.join(', ')}; got ${describeValue(kind)}${near ? ` (did you mean ${near}?)` : ''}`);
    return undefined;
  }
  const { params, optional = [] } = DECAY_KINDS[kind];
  const names = Object.keys(params);
  const before = p.count;
  const out: Record<string, unknown> = { kind };
  const present = checkKeys(p, v, path, ['kind', ...names], true);
  for (const name of names) {
    const full = nameOf(path, name);
    if (!present.includes(name)) {
      if (!optional.includes(name)) p.add(full, `is required for a "${kind}" decay: ${numberExpectation(params[name])}`);
      continue;
    }
    const x = checkNumber(p, v[name], params[name], full);
    if (x !== undefined) out[name] = x;
  }
  return p.count === before ? out : undefined;
}

/**
 * An optimizer `{ kind, ...params }`: a known kind, known parameters in range. Parameters left
 * out are not filled here (the resolver gives PyTorch's defaults).
 */
export function checkOptimizer(p: Problems, v: unknown, path: string): Record<string, unknown> | undefined {
  const kinds = OPTIMIZER_NAMES;
  if (!isRecord(v)) {
    p.add(path, `must be an object with a "kind": one of ${kinds.join(', ')}; got ${describeValue(v)}`);
    return undefined;
  }
  const kind = v.kind;
  if (typeof kind !== 'string' || !(kinds as readonly string[]).includes(kind)) {
    const near = typeof kind === 'string' ? nearest(kind, kinds) : undefined;
    p.add(join(path, 'kind'), `must be one of ${kinds.join(', ')}; got ${describeValue(kind)}${near ? ` (did you mean ${near}?)` : ''}`);
    return undefined;
  }
  const { params } = OPTIMIZER_KINDS[kind as keyof typeof OPTIMIZER_KINDS];
  const names = Object.keys(params);
  const before = p.count;
  const out: Record<string, unknown> = { kind };
  for (const name of checkKeys(p, v, path, ['kind', ...names], true)) {
    if (name === 'kind') continue;
    const x = checkNumber(p, v[name], params[name], join(path, name));
    if (x !== undefined) out[name] = x;
  }
  return p.count === before ? out : undefined;
}
