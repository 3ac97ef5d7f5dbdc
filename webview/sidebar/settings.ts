/**
 * The side panel's settings model: presets (the paper's Figure 3), schedule edits that keep
 * the flat lr/radius/noise/steps equal to stage 1, parsing of typed numbers, and the derived
 * gradient-noise bound r = radius/η. Pure; unit-tested in test/unit/webview-sidebar.test.ts.
 */
import {
  DIM_MAX,
  METHODS_MAX,
  METHOD_FIELDS,
  NOISE_KINDS,
  OPTIMIZER_KINDS,
  RUN_FIELDS,
  SAMPLINGS,
  inRange,
  type NumberSpec,
} from '../../src/engine/settingsSchema';
import type { Box, NoiseKind, OptimizerKind, Sampling, Stage } from '../../src/engine/types';
import type { RunSettings } from '../../src/protocol/webview';

/**
 * The side panel's fields take exactly what a run takes: their limits are the settings table's
 * (src/engine/settingsSchema.ts), as are the values shown before the host's first state.
 */
export const FIELDS = {
  lr: RUN_FIELDS.lr,
  radius: RUN_FIELDS.radius,
  steps: RUN_FIELDS.steps,
  trials: RUN_FIELDS.trials,
  batchSize: RUN_FIELDS.batchSize,
} as const;
export const SEED_MAX_LENGTH = RUN_FIELDS.seed.maxLength;
export const MAX_STAGES = RUN_FIELDS.stages.maxItems;
export const NOISE_CHOICES: readonly NoiseKind[] = NOISE_KINDS;
export const SAMPLING_CHOICES: readonly Sampling[] = SAMPLINGS;
/** B a stage takes when its noise is switched to "minibatch" (at most n). */
export const DEFAULT_BATCH_SIZE = 16;

/** What the side panel shows until the host's state arrives: the table's defaults. */
export const DEFAULT_RUN_SETTINGS: Readonly<RunSettings> = {
  lr: RUN_FIELDS.lr.default!,
  radius: RUN_FIELDS.radius.default!,
  noise: RUN_FIELDS.noise.default as NoiseKind,
  steps: RUN_FIELDS.steps.default!,
  trials: RUN_FIELDS.trials.default!,
  seed: RUN_FIELDS.seed.default,
};

/** `min`/`max` attributes of a number input for `spec`. */
export function inputBounds(spec: NumberSpec): { min: number; max: number } {
  return { min: spec.min, max: spec.max };
}

export type StageField = 'lr' | 'radius' | 'steps' | 'noise' | 'batchSize' | 'sampling';
export type PresetId = 'fig3-single' | 'gd' | 'fig3-stages';

export const PRESETS: Array<{ id: PresetId; label: string; title: string }> = [
  {
    id: 'fig3-single',
    label: 'Figure 3: noise 0.3',
    title: 'One stage, uniform noise of radius 0.3, 100 trials from [-3, 3] (the paper’s Figure 3, row 2)',
  },
  { id: 'gd', label: 'GD (no noise)', title: 'Plain gradient descent from the same starts (Figure 3, row 2, left)' },
  {
    id: 'fig3-stages',
    label: 'Figure 3: 4 stages',
    title: 'Noise 0.3 → 0.15 → 0.05 → 0.01 with init [-3,3], [-1.5,1.5], [-0.5,0.5], [-0.3,0.3] (Figure 3, row 3)',
  },
];

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The stages of `s`, spelled out (one stage from the flat fields when there is no list). */
export function stagesOf(s: RunSettings): Array<Partial<Stage>> {
  if (s.stages && s.stages.length > 0) return s.stages;
  return [
    {
      lr: s.lr,
      radius: s.radius,
      noise: s.noise,
      steps: s.steps,
      ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
      ...(s.sampling !== undefined ? { sampling: s.sampling } : {}),
    },
  ];
}

/** Re-derives the flat fields from stage 1 so both always agree. */
function syncFlat(s: RunSettings): RunSettings {
  const first = s.stages?.[0];
  if (!first) return s;
  if (first.lr !== undefined) s.lr = first.lr;
  if (first.radius !== undefined) s.radius = first.radius;
  if (first.noise !== undefined) s.noise = first.noise;
  if (first.steps !== undefined) s.steps = first.steps;
  return s;
}

/**
 * Sets one field of stage `index` (0 = the flat fields too). A stage switched to noise
 * "minibatch" gets radius 0 (a radius does not apply to it) and a batch size (its own, else
 * DEFAULT_BATCH_SIZE, at most n when `examples` is known); switched away, it drops batchSize and
 * sampling (they apply only to minibatch noise) and takes back a radius (the table's default when
 * it had none). B and sampling live in the stages only, never in the flat fields: a flat B would
 * fill every stage without one, minibatch or not.
 */
export function setStageField(
  s: RunSettings,
  index: number,
  field: StageField,
  value: number | NoiseKind | Sampling,
  examples?: number | null,
): RunSettings {
  const out = clone(s);
  const stages = clone(stagesOf(s));
  const st = stages[index];
  if (!st) return out;
  const was = st.noise;
  (st as Record<string, unknown>)[field] = value;
  if (field === 'noise' && value === 'minibatch' && was !== 'minibatch') {
    st.radius = 0;
    st.batchSize ??= Math.min(DEFAULT_BATCH_SIZE, typeof examples === 'number' && examples >= 1 ? examples : DEFAULT_BATCH_SIZE);
  } else if (field === 'noise' && value !== 'minibatch' && was === 'minibatch') {
    delete st.batchSize;
    delete st.sampling;
    if (value !== 'none' && !(st.radius! > 0)) st.radius = RUN_FIELDS.radius.default!;
  }
  out.stages = stages;
  delete out.batchSize;
  delete out.sampling;
  return syncFlat(out);
}

/** Why stage `index`'s minibatch fields cannot run (B above n, not a finite sum), or undefined. */
export function minibatchProblem(st: Partial<Stage>, n: number, examples: { finiteSum: boolean; n: number | null }): string | undefined {
  if (st.noise !== 'minibatch') return undefined;
  if (!examples.finiteSum)
    return `Stage ${n}: noise "minibatch" needs a finite-sum loss (a trailing example parameter and <name>Options.data).`;
  if (st.batchSize === undefined) return `Stage ${n}: set the batch size B.`;
  if (examples.n !== null && st.batchSize > examples.n) return `Stage ${n}: batch size B = ${st.batchSize} is above n = ${examples.n}.`;
  return undefined;
}

/**
 * Appends a stage that halves the last stage's radius (the paper's shrinking noise); after a
 * minibatch stage, one that doubles B (at most n when `examples` is known), which shrinks the noise.
 */
export function addStage(s: RunSettings, examples?: number | null): RunSettings {
  const out = clone(s);
  const stages = clone(stagesOf(s));
  if (stages.length >= MAX_STAGES) return out;
  const last = stages[stages.length - 1]!;
  const next: Partial<Stage> =
    last.noise === 'minibatch'
      ? // Minibatch noise shrinks with a larger batch (at most n: the check names the problem if not).
        {
          lr: last.lr ?? s.lr,
          radius: 0,
          noise: 'minibatch',
          steps: last.steps ?? s.steps,
          batchSize: Math.min(
            2 * (last.batchSize ?? DEFAULT_BATCH_SIZE),
            typeof examples === 'number' && examples >= 1 ? examples : Infinity,
          ),
          ...(last.sampling ? { sampling: last.sampling } : {}),
        }
      : {
          lr: last.lr ?? s.lr,
          radius: Number(((last.radius ?? s.radius) / 2).toPrecision(3)),
          noise: last.noise ?? s.noise,
          steps: last.steps ?? s.steps,
        };
  stages.push(next);
  out.stages = stages;
  return syncFlat(out);
}

export function removeStage(s: RunSettings, index: number): RunSettings {
  const out = clone(s);
  const stages = clone(stagesOf(s));
  if (stages.length <= 1 || index < 0 || index >= stages.length) return out;
  stages.splice(index, 1);
  out.stages = stages;
  return syncFlat(out);
}

function interval(dim: number, lo: number, hi: number): Box {
  return { low: Array<number>(dim).fill(lo), high: Array<number>(dim).fill(hi) };
}

/**
 * A preset applied to `s`: keeps the user's learning rate and steps per stage, sets the noise,
 * the init box ([-3, 3] per coordinate) and 100 trials as in the paper's Figure 3.
 */
export function applyPreset(s: RunSettings, id: PresetId, dim: number): RunSettings {
  const out = clone(s);
  const d = Math.max(1, Math.min(DIM_MAX, Math.floor(dim) || 1));
  const lr = s.lr;
  const steps = s.steps;
  out.trials = 100;
  out.init = interval(d, -3, 3);
  switch (id) {
    case 'fig3-single':
      out.stages = [{ lr, radius: 0.3, noise: 'uniform', steps }];
      break;
    case 'gd':
      out.stages = [{ lr, radius: s.radius, noise: 'none', steps }];
      break;
    case 'fig3-stages':
      out.stages = [
        { lr, radius: 0.3, noise: 'uniform', steps, init: interval(d, -3, 3) },
        { lr, radius: 0.15, noise: 'uniform', steps, init: interval(d, -1.5, 1.5) },
        { lr, radius: 0.05, noise: 'uniform', steps, init: interval(d, -0.5, 0.5) },
        { lr, radius: 0.01, noise: 'uniform', steps, init: interval(d, -0.3, 0.3) },
      ];
      break;
  }
  return syncFlat(out);
}

/**
 * What a preset staged, in one line: its stages' radii (and where later stages restart), the
 * trials and start box, and that Run runs it (a preset only fills the form).
 */
export function presetText(label: string, s: RunSettings): string {
  const stages = stagesOf(s);
  const noise = (st: Partial<Stage>) => (st.noise === 'none' ? 'no noise (GD)' : `${st.noise ?? 'uniform'} noise ${st.radius}`);
  const what =
    stages.length === 1
      ? `one stage, ${noise(stages[0]!)}, η ${s.lr}, ${s.steps} steps`
      : `${stages.length} stages, ${noise(stages[0]!)} then ${stages
          .slice(1)
          .map((st) => `${st.radius}${st.init ? ` from [${st.init.low[0]}, ${st.init.high[0]}]` : ''}`)
          .join(', ')} (stages 2–${stages.length} opened below)`;
  const first = (v: number | number[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const box = s.init && s.init.low !== undefined ? ` from [${first(s.init.low)}, ${first(s.init.high)}]` : '';
  return `Staged “${label}”: ${what}; ${s.trials ?? ''} trials${box}. Press Run to run it.`;
}

/** Parses a typed number for a field of the settings table; undefined when the table does not allow it. */
export function parseSpecField(text: string, spec: NumberSpec): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const v = Number(t);
  return inRange(v, spec) ? v : undefined;
}

/** Parses a typed number; undefined when it is not a finite number in [min, max] (or not an integer when asked). */
export function parseField(text: string, min: number, max: number, integer = false): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const v = Number(t);
  if (!Number.isFinite(v) || v < min || v > max) return undefined;
  if (integer && !Number.isInteger(v)) return undefined;
  return v;
}

/** The gradient-noise bound r = radius / η the paper's theorems use. */
export function derivedR(radius: number, lr: number): number {
  return lr > 0 ? radius / lr : NaN;
}

/** Log-scale slider mapping for the learning rate: position in [0, 1000] ↔ η in [1e-4, 1]. */
export const LR_SLIDER = { min: 1e-4, max: 1, positions: 1000 };

export function lrToSlider(lr: number): number {
  const { min, max, positions } = LR_SLIDER;
  const t = (Math.log10(Math.min(max, Math.max(min, lr))) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
  return Math.round(t * positions);
}

/** η for a slider position, rounded to 3 significant digits so typed values stay readable. */
export function sliderToLr(pos: number): number {
  const { min, max, positions } = LR_SLIDER;
  const t = Math.min(1, Math.max(0, pos / positions));
  return Number(Math.pow(10, Math.log10(min) + t * (Math.log10(max) - Math.log10(min))).toPrecision(3));
}

/**
 * What the Run message carries: the fields of `edited` that differ from `shown` (the host's
 * settings the edits were made against), i.e. what the user changed here. Those override the
 * settings and the file's defaults; an echo of a shown value must not (it would flatten a schedule
 * from the file into the shown stage). The function is named by the picker, never a setting.
 */
export function editedFields(shown: Readonly<Partial<RunSettings>>, edited: Readonly<RunSettings>): Partial<RunSettings> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(edited)) {
    if (v === undefined || k === 'function') continue;
    if (JSON.stringify(v) !== JSON.stringify((shown as Record<string, unknown>)[k])) out[k] = v;
  }
  return out as Partial<RunSettings>;
}

// ---- methods (RUN.json `methods`) ----

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

/** The paper's Figure 3 row 2: GD, then uniform noise 0.15, 0.3 and 0.6 (the columns of the figure). */
export const FIGURE3_ROW2_RADII = [0, 0.15, 0.3, 0.6] as const;

/**
 * The runs of Figure 3 row 2 from settings `s`: each one stage (the user's η and steps), 100 trials
 * from [-3, 3]^d, one method — GD for the first column (no noise), SGD with uniform noise of the
 * column's radius for the others.
 */
export function figure3Row2(s: RunSettings, dim: number): RunSettings[] {
  return FIGURE3_ROW2_RADII.map((radius) => {
    const out = applyPreset(s, radius === 0 ? 'gd' : 'fig3-single', dim);
    out.stages = [{ ...out.stages![0]!, radius: radius === 0 ? s.radius : radius }];
    delete out.methods;
    out.compareGd = false;
    return syncFlat(out);
  });
}
