/**
 * The side panel's settings model: the fields' limits (the settings table's), schedule edits that
 * keep the flat lr/radius/noise/steps equal to stage 1, parsing of typed numbers, the η slider's
 * log scale, the derived gradient-noise bound r = radius/η, and what Run sends. Presets are in
 * presets.ts, the method list in methods.ts. Pure; unit-tested in test/unit/webview-sidebar.test.ts.
 */
import { RUN_FIELDS, NOISE_KINDS, SAMPLINGS, inRange, type NumberSpec } from '../../src/engine/settingsSchema';
import type { NoiseKind, Sampling, Stage } from '../../src/engine/types';
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

/** A deep copy (settings are plain JSON). */
export function clone<T>(v: T): T {
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
export function syncFlat(s: RunSettings): RunSettings {
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
