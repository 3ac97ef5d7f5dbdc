/**
 * Checks values against the settings table (settingsSchema.ts) and says what is wrong in the
 * user's terms: the setting's path, its allowed range, the value (cut when long), the nearest
 * known name for a typo. A check never stops at the first problem: it records every one and
 * returns a clean copy of what was valid, built from fresh objects with known keys only (so a
 * `__proto__` key can never reach a merge).
 *
 * Pure and bounded: no recursion deeper than the table's own nesting, whatever the input.
 * Values and names in messages: settingsText.ts.
 */
import { describeValue, nearest } from './settingsText';
import {
  COORDINATE_MAX,
  DECAY_KINDS,
  DIM_MAX,
  METHOD_FIELDS,
  OPTIMIZER_KINDS,
  OPTIMIZER_NAMES,
  RUN_FIELDS,
  STAGE_FIELDS,
  SWEEP_AXES,
  inRange,
  rangeText,
  type FieldSpec,
  type NumberSpec,
  type SweepAxis,
  type SweepSpec,
} from './settingsSchema';

export interface SettingProblem {
  /** Path of the offending setting as the user writes it, e.g. `stages[1].radius`. */
  setting: string;
  /**
   * `value`: a bad value; `message` follows "setting: ". `unknown`: an unknown key, and `shape`:
   * the whole input is not an object; for these two `message` is the whole sentence.
   */
  kind: 'value' | 'unknown' | 'shape';
  message: string;
  /** Where the value was written, e.g. `/work/f.ts:12`, when known. */
  location?: string;
}

/** One line per problem: "trials: must be …", "unknown setting stpes; did you mean steps?", plus " (file:line)". */
export function problemText(p: SettingProblem): string {
  const text = p.kind === 'value' ? `${p.setting}: ${p.message}` : p.message;
  return p.location ? `${text} (${p.location})` : text;
}

/** At most this many problems are listed; the rest are counted. */
export const MAX_PROBLEMS = 20;

/** Collects problems; paths are built by the caller. */
export class Problems {
  readonly list: SettingProblem[] = [];
  more = 0;
  constructor(private readonly locate?: (path: string) => string | undefined) {}

  add(setting: string, message: string, kind: SettingProblem['kind'] = 'value'): void {
    if (this.list.length >= MAX_PROBLEMS) {
      this.more++;
      return;
    }
    const location = this.locate?.(setting);
    this.list.push(location ? { setting, kind, message, location } : { setting, kind, message });
  }

  get count(): number {
    return this.list.length + this.more;
  }
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** How a check names a key: below a dotted path, or by a function (top-level names may differ). */
export type Namer = string | ((key: string) => string);

function nameOf(namer: Namer, key: string): string {
  return typeof namer === 'string' ? join(namer, key) : namer(key);
}

/**
 * Reports every key of `o` outside `known` (with the nearest known name), and every reserved
 * name (`__proto__`, `constructor`, `prototype`). Returns the known keys present.
 */
export function checkKeys(
  p: Problems,
  o: Record<string, unknown>,
  path: Namer,
  known: readonly string[],
  listKnown = known.length <= 8,
): string[] {
  const present: string[] = [];
  for (const k of Object.keys(o)) {
    if (known.includes(k)) {
      present.push(k);
      continue;
    }
    const name = k.length > 80 ? `${k.slice(0, 80)}… (${k.length} chars)` : k;
    const full = nameOf(path, name);
    if (RESERVED.has(k)) {
      p.add(full, `unknown setting ${full} ("${k}" is a reserved JavaScript name, never a setting)`, 'unknown');
      continue;
    }
    const near = nearest(k, known);
    const hint = near ? `; did you mean ${near}?` : listKnown ? `; expected one of ${known.join(', ')}` : '';
    p.add(full, `unknown setting ${full}${hint}`, 'unknown');
  }
  return present;
}

// ---- one value against its spec ----

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

/** A method's name: 1 to maxLength characters, not only spaces, no control characters. */
function checkMethodName(p: Problems, v: unknown, path: string): string | undefined {
  const max = METHOD_FIELDS.name.maxLength;
  if (typeof v === 'string' && v.length <= max && v.trim().length > 0 && !/[\u0000-\u001f\u007f]/.test(v)) return v;
  p.add(path, `must be a name of 1 to ${max} characters (not only spaces), got ${describeValue(v)}`);
  return undefined;
}

/** RUN.json `methods`: 1 to maxItems of `{ name, optimizer?, noise? }` with distinct names. */
function checkMethods(p: Problems, v: unknown, path: string, maxItems: number): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > maxItems) {
    const got = Array.isArray(v) ? `${v.length} methods` : describeValue(v);
    p.add(path, `must be a list of 1 to ${maxItems} methods { "name", "optimizer"?, "noise"? }, got ${got}`);
    return undefined;
  }
  const before = p.count;
  const out: Array<Record<string, unknown>> = [];
  const seen = new Map<string, number>();
  v.forEach((m, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(m)) {
      p.add(at, `must be an object { "name", "optimizer"?, "noise"? }, got ${describeValue(m)}`);
      return;
    }
    const present = checkKeys(p, m, at, Object.keys(METHOD_FIELDS), true);
    const method: Record<string, unknown> = {};
    if (!present.includes('name')) p.add(`${at}.name`, 'is required: the name shown in legends and results');
    else {
      const name = checkMethodName(p, m.name, `${at}.name`);
      if (name !== undefined) {
        const first = seen.get(name);
        if (first !== undefined) p.add(`${at}.name`, `must differ from the other methods' names; "${name}" is also methods[${first}]`);
        else seen.set(name, i);
        method.name = name;
      }
    }
    if (present.includes('optimizer')) {
      const o = checkOptimizer(p, m.optimizer, `${at}.optimizer`);
      if (o) method.optimizer = o;
    }
    if (present.includes('noise')) {
      const n = checkField(p, m.noise, METHOD_FIELDS.noise, `${at}.noise`);
      if (n !== undefined) method.noise = n;
    }
    out.push(method);
  });
  return p.count === before ? out : undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Checks one field against its spec; undefined (with a problem recorded) when it is bad. */
export function checkField(p: Problems, v: unknown, spec: FieldSpec, path: string): unknown {
  switch (spec.kind) {
    case 'number':
    case 'integer':
      return checkNumber(p, v, spec, path);
    case 'boolean':
      if (typeof v === 'boolean') return v;
      p.add(path, `must be true or false, got ${describeValue(v)}`);
      return undefined;
    case 'enum': {
      if (typeof v === 'string' && spec.values.includes(v)) return v;
      const near = typeof v === 'string' ? nearest(v, spec.values) : undefined;
      p.add(path, `must be one of ${spec.values.join(', ')}; got ${describeValue(v)}${near ? ` (did you mean ${near}?)` : ''}`);
      return undefined;
    }
    case 'name':
      if (typeof v === 'string' && v.length <= spec.maxLength && IDENTIFIER.test(v)) return v;
      p.add(
        path,
        `must name an exported function of the file (a JavaScript identifier of at most ${spec.maxLength} characters), got ${describeValue(v)}`,
      );
      return undefined;
    case 'seed':
      if (typeof v === 'string' && v.length >= 1 && v.length <= spec.maxLength) return v;
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      p.add(path, `must be a string of 1 to ${spec.maxLength} characters or a finite number, got ${describeValue(v)}`);
      return undefined;
    case 'vector':
      return checkCoordinates(p, v, path);
    case 'box':
      return checkBox(p, v, path);
    case 'decay':
      return checkDecay(p, v, path);
    case 'stages':
      return checkStages(p, v, path, spec.maxItems);
    case 'sweep':
      return checkSweep(p, v, spec, path);
    case 'methods':
      return checkMethods(p, v, path, spec.maxItems);
    case 'points':
    case 'directions': {
      const what = spec.kind === 'points' ? 'points' : 'direction vectors';
      if (!Array.isArray(v) || v.length === 0 || v.length > spec.maxItems) {
        p.add(path, `must be a list of 1 to ${spec.maxItems} ${what}, got ${describeValue(v)}`);
        return undefined;
      }
      const out: number[][] = [];
      for (let i = 0; i < v.length; i++) {
        const d = checkCoordinates(p, v[i], `${path}[${i}]`);
        if (d === undefined) return undefined;
        out.push(d as number[]);
      }
      return out;
    }
  }
}

/** A sweep's grid as checked: each axis given, its values in range and distinct. */
export interface SweepGrid {
  radius?: number[];
  lr?: number[];
  steps?: number[];
  trials?: number[];
  allStages?: boolean;
}

/**
 * SWEEP.json's `sweep`: known keys, each axis a non-empty list of distinct values in its
 * field's range, at most one third axis (steps or trials), at least one axis, and a grid of at
 * most `maxCells` cells.
 */
export function checkSweep(p: Problems, v: unknown, spec: SweepSpec, path: string): SweepGrid | undefined {
  const axes = Object.keys(SWEEP_AXES) as SweepAxis[];
  if (!isRecord(v)) {
    p.add(
      path,
      `must be an object { "radius": [...], "lr": [...] } (optionally "steps" or "trials", "allStages"), got ${describeValue(v)}`,
    );
    return undefined;
  }
  const before = p.count;
  const out: SweepGrid = {};
  for (const k of checkKeys(p, v, path, [...axes, 'allStages'], true)) {
    const full = join(path, k);
    if (k === 'allStages') {
      if (typeof v[k] === 'boolean') out.allStages = v[k];
      else p.add(full, `must be true or false, got ${describeValue(v[k])}`);
      continue;
    }
    const list = v[k];
    if (!Array.isArray(list) || list.length === 0 || list.length > spec.maxValues) {
      p.add(
        full,
        `must be a list of 1 to ${spec.maxValues} values, got ${Array.isArray(list) ? `${list.length} values` : describeValue(list)}`,
      );
      continue;
    }
    const values: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const x = checkNumber(p, list[i], SWEEP_AXES[k as SweepAxis], `${full}[${i}]`);
      if (x === undefined) continue;
      const j = values.indexOf(x);
      if (j >= 0)
        p.add(
          `${full}[${i}]`,
          `repeats ${x} (already ${full}[${list.indexOf(x)}]); every value of an axis is one column or row of the grid`,
        );
      values.push(x);
    }
    out[k as SweepAxis] = values;
  }
  if (p.count !== before) return undefined;
  if (out.steps && out.trials) {
    p.add(path, 'takes steps or trials as its third axis, not both');
    return undefined;
  }
  if (!axes.some((a) => out[a])) {
    p.add(path, 'needs at least one axis: "radius" or "lr" (and optionally "steps" or "trials")');
    return undefined;
  }
  const cells = axes.reduce((n, a) => n * (out[a]?.length ?? 1), 1);
  if (cells > spec.maxCells) {
    p.add(path, `has ${cells} cells; at most ${spec.maxCells} (split the grid into several sweeps)`);
    return undefined;
  }
  return out;
}

export function checkStage(p: Problems, v: unknown, path: string): Record<string, unknown> | undefined {
  if (!isRecord(v)) {
    p.add(path, `must be an object { "lr", "radius", "steps", "noise", "init"?, "decay"? }, got ${describeValue(v)}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const k of checkKeys(p, v, path, Object.keys(STAGE_FIELDS), true)) {
    const x = checkField(p, v[k], STAGE_FIELDS[k as keyof typeof STAGE_FIELDS], join(path, k));
    if (x !== undefined) out[k] = x;
  }
  return out;
}

function checkStages(p: Problems, v: unknown, path: string, maxItems: number): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > maxItems) {
    const got = Array.isArray(v) ? `${v.length} stages` : describeValue(v);
    p.add(path, `must be a non-empty list of at most ${maxItems} stages, got ${got}`);
    return undefined;
  }
  const before = p.count;
  const out = v.map((s, i) => checkStage(p, s, `${path}[${i}]`));
  return p.count === before ? (out as Array<Record<string, unknown>>) : undefined;
}

export interface CheckedInput {
  /** The valid fields, in fresh objects. */
  values: Record<string, unknown>;
  /** Top-level keys that had a problem (left out of `values`). */
  bad: Set<string>;
}

/**
 * Checks a RUN.json-like object (RUN.json, `<name>Options.defaults`, the side panel's settings):
 * every key known, every value in range. `what` names the whole object in a message.
 */
export function checkRunInput(p: Problems, raw: unknown, path: Namer, what: string): CheckedInput {
  const values: Record<string, unknown> = {};
  const bad = new Set<string>();
  if (!isRecord(raw)) {
    p.add(what, `${what} must be a JSON object such as { "function": "f", "trials": 100 }, got ${describeValue(raw)}`, 'shape');
    bad.add('*');
    return { values, bad };
  }
  const keys = Object.keys(RUN_FIELDS);
  for (const k of checkKeys(p, raw, path, keys, false)) {
    const before = p.count;
    const x = checkField(p, raw[k], RUN_FIELDS[k as keyof typeof RUN_FIELDS], nameOf(path, k));
    if (x !== undefined && p.count === before) values[k] = x;
    else bad.add(k);
  }
  for (const k of Object.keys(raw)) if (!keys.includes(k)) bad.add(k);
  return { values, bad };
}

export { cut, describeValue, nearest } from './settingsText';
