/**
 * Checks values against the settings table (settingsSchema.ts) and says what is wrong in the
 * user's terms: the setting's path, its allowed range, the value (cut when long), the nearest
 * known name for a typo. A check never stops at the first problem: it records every one and
 * returns a clean copy of what was valid, built from fresh objects with known keys only (so a
 * `__proto__` key can never reach a merge).
 *
 * Pure and bounded: no recursion deeper than the table's own nesting, whatever the input.
 * Values and names in messages: settingsText.ts; problems and key checks: settingsProblems.ts;
 * one value of each shape (number, coordinates, box, decay, optimizer): settingsValues.ts.
 */
import { describeValue, nearest } from './settingsText';
import { checkKeys, isRecord, join, nameOf, type Namer, type Problems } from './settingsProblems';
import { checkBox, checkCoordinates, checkDecay, checkNumber, checkOptimizer } from './settingsValues';
import { METHOD_FIELDS, RUN_FIELDS, STAGE_FIELDS, SWEEP_AXES, type FieldSpec, type SweepAxis, type SweepSpec } from './settingsSchema';

export { MAX_PROBLEMS, Problems, checkKeys, isRecord, join, problemText, type Namer, type SettingProblem } from './settingsProblems';
export {
  checkBox,
  checkCoordinates,
  checkDecay,
  checkNumber,
  checkOptimizer,
  numberExpectation,
  type PartialBoxIn,
} from './settingsValues';

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
