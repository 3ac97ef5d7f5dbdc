/**
 * The side panel's method list (RUN.json `methods`): the rows offered (the paper's SGD and GD, one
 * of each other optimizer), the rows for given settings, and the settings for ticked rows. Pure;
 * unit-tested in test/unit/webview-sidebar.test.ts.
 */
import { METHODS_MAX, METHOD_FIELDS, OPTIMIZER_KINDS } from '../../src/engine/settingsSchema';
import type { NoiseKind, OptimizerKind } from '../../src/engine/types';
import type { RunSettings } from '../../src/protocol/webview';
import { clone } from './settings';

/** One method of the side panel's list: ticked or not, its optimizer's parameters, its noise override. */
export interface MethodRow {
  name: string;
  kind: OptimizerKind;
  /** Every parameter of the optimizer (the table's defaults where the settings leave one out). */
  params: Record<string, number>;
  /** Replaces every stage's noise kind for this method; undefined: the stages' own. */
  noise?: NoiseKind;
  on: boolean;
}

export { METHODS_MAX, METHOD_FIELDS, OPTIMIZER_KINDS };

/** An optimizer's parameters at the table's defaults (PyTorch's). */
export function defaultParams(kind: OptimizerKind): Record<string, number> {
  return Object.fromEntries(Object.entries(OPTIMIZER_KINDS[kind].params).map(([k, spec]) => [k, spec.default!]));
}

/** The methods the side panel offers: the paper's pair and one of each other optimizer, at the table's defaults. */
export const METHOD_TEMPLATES: ReadonlyArray<Omit<MethodRow, 'on'>> = [
  { name: 'SGD', kind: 'sgd', params: {} },
  { name: 'GD', kind: 'sgd', params: {}, noise: 'none' },
  { name: 'Momentum', kind: 'momentum', params: defaultParams('momentum') },
  { name: 'Nesterov', kind: 'nesterov', params: defaultParams('nesterov') },
  { name: 'Adam', kind: 'adam', params: defaultParams('adam') },
  { name: 'SAM', kind: 'sam', params: defaultParams('sam') },
];

type MethodInput = NonNullable<RunSettings['methods']>[number];

/** The methods a run uses without a `methods` setting: SGD, and GD when compareGd (not false). */
function defaultMethods(s: RunSettings): MethodInput[] {
  return s.compareGd === false ? [{ name: 'SGD' }] : [{ name: 'SGD' }, { name: 'GD', noise: 'none' }];
}

/**
 * The side panel's method list for settings `s`: the templates, ticked when `s` runs a method of
 * that name (with its parameters and noise), then the methods of `s` under other names (from the
 * file's defaults or RUN-like settings), ticked, in their order.
 */
export function methodRows(s: RunSettings): MethodRow[] {
  const given = s.methods && s.methods.length > 0 ? s.methods : defaultMethods(s);
  const row = (m: MethodInput): MethodRow => {
    const kind = m.optimizer?.kind ?? 'sgd';
    const { kind: _kind, ...params } = m.optimizer ?? { kind };
    return {
      name: m.name,
      kind,
      params: { ...defaultParams(kind), ...(params as Record<string, number>) },
      ...(m.noise ? { noise: m.noise } : {}),
      on: true,
    };
  };
  const rows: MethodRow[] = METHOD_TEMPLATES.map((t) => {
    const m = given.find((g) => g.name === t.name);
    return m ? row(m) : { ...t, params: { ...t.params }, on: false };
  });
  for (const m of given) if (!METHOD_TEMPLATES.some((t) => t.name === m.name)) rows.push(row(m));
  return rows;
}

/** One row as RUN.json writes a method (parameters left out where they equal the table's default). */
function methodInput(r: MethodRow): MethodInput {
  const defaults = defaultParams(r.kind);
  const params = Object.fromEntries(Object.entries(r.params).filter(([k, v]) => k in defaults && v !== defaults[k]));
  const out: MethodInput = { name: r.name };
  if (r.kind !== 'sgd' || Object.keys(params).length > 0) out.optimizer = { kind: r.kind, ...params };
  if (r.noise) out.noise = r.noise;
  return out;
}

/**
 * Settings `s` running the ticked rows, in their order (at most METHODS_MAX). When they are
 * exactly what `s` runs without a `methods` setting, `methods` is left out, so the Run message
 * carries no change.
 */
export function withMethods(s: RunSettings, rows: readonly MethodRow[]): RunSettings {
  const out = clone(s);
  const methods = rows
    .filter((r) => r.on)
    .slice(0, METHODS_MAX)
    .map(methodInput);
  const plain = { ...out };
  delete plain.methods;
  if (JSON.stringify(methods) === JSON.stringify(defaultMethods(plain))) delete out.methods;
  else out.methods = methods;
  return out;
}

/** Why the ticked methods cannot run (none ticked, too many), or undefined. */
export function methodsProblem(rows: readonly MethodRow[]): string | undefined {
  const n = rows.filter((r) => r.on).length;
  if (n === 0) return 'Tick at least one method.';
  if (n > METHODS_MAX) return `At most ${METHODS_MAX} methods run at once (${n} ticked).`;
  return undefined;
}
