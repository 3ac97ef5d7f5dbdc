/**
 * Every setting in one table: its type, range, allowed values, default and description. RUN.json
 * fields with their stage, decay and box sub-fields, and the host-only settings of the extension
 * and the CLI (workers, time and stall limits, memory, watch).
 *
 * Everything else derives from it: the engine's validation and defaults (`config.ts`,
 * `settingsValidate.ts`), the extension's settings reader, the webviews' validation and the
 * side panel's field limits, the CLI's flags, and `contributes.configuration` in package.json
 * (settingsJsonSchema.ts; `scripts/configuration.mjs` checks or writes it).
 *
 * Pure data: imported by the engine, the extension host, the CLI, the webview bundles and the
 * build script alike. Longer than our ~350-line habit on purpose: it is one table, and cutting it
 * into files would bring back the several places it replaces. The JSON schema for package.json
 * is derived in settingsJsonSchema.ts.
 */
import type { NoiseKind, OptimizerKind, Sampling } from './types';

export interface NumberSpec {
  kind: 'number' | 'integer';
  min: number;
  max: number;
  /** The minimum itself is not allowed: (min, max]. */
  exclusiveMin?: boolean;
  /** The maximum itself is not allowed: [min, max). */
  exclusiveMax?: boolean;
  /** When set, 0 is accepted beside [min, max] and means this (e.g. "automatic"). */
  zero?: string;
  default?: number;
  description: string;
}
export interface BooleanSpec {
  kind: 'boolean';
  default?: boolean;
  description: string;
}
export interface EnumSpec {
  kind: 'enum';
  values: readonly string[];
  valueDescriptions: readonly string[];
  default?: string;
  description: string;
}
/** An export name: a JavaScript identifier. */
export interface NameSpec {
  kind: 'name';
  maxLength: number;
  description: string;
}
/** A seed: a string of 1 to maxLength characters, or a finite number kept as its decimal string. */
export interface SeedSpec {
  kind: 'seed';
  maxLength: number;
  default: string;
  description: string;
}
/** d finite coordinates (d is the run's dimension). */
export interface VectorSpec {
  kind: 'vector';
  description: string;
}
/** `{ low, high }`, each d coordinates or one number for every axis. */
export interface BoxSpec {
  kind: 'box';
  description: string;
}
export interface StagesSpec {
  kind: 'stages';
  maxItems: number;
  description: string;
}
export interface DecaySpec {
  kind: 'decay';
  description: string;
}
/** SWEEP.json's `sweep`: the grid's axes (SWEEP_AXES), each a list of values of its field. */
export interface SweepSpec {
  kind: 'sweep';
  /** Values per axis. */
  maxValues: number;
  /** Cells of the whole grid (the product of the axes' lengths). */
  maxCells: number;
  default: { radius: number[]; lr: number[] };
  description: string;
}
/** A list of d-vectors. */
export interface DirectionsSpec {
  kind: 'directions';
  maxItems: number;
  description: string;
}

/** A list of d-vectors that are points (RUN.json `targets`). */
export interface PointsSpec {
  kind: 'points';
  maxItems: number;
  description: string;
}
/** RUN.json `methods`: a list of `{ name, optimizer?, noise? }` (see METHOD_FIELDS, OPTIMIZER_KINDS). */
export interface MethodsSpec {
  kind: 'methods';
  maxItems: number;
  description: string;
}

export type FieldSpec =
  | NumberSpec
  | BooleanSpec
  | EnumSpec
  | NameSpec
  | SeedSpec
  | VectorSpec
  | BoxSpec
  | StagesSpec
  | DecaySpec
  | DirectionsSpec
  | SweepSpec
  | PointsSpec
  | MethodsSpec;

/** Coordinates (boxes, x*, directions) are finite and at most this in magnitude. */
export const COORDINATE_MAX = 1e12;
/** Largest dimension; also the longest coordinate list accepted. */
export const DIM_MAX = 10_000;

/** Per-axis half width of the init box (and domain) when neither the file nor the run gives one. */
export const INIT_HALF_WIDTH = 3;
/** Grid points per axis when `resolution` is 0 (automatic). */
export const AUTO_RESOLUTION = { oneD: 601, other: 201 } as const;

export const NOISE_KINDS: readonly NoiseKind[] = ['uniform', 'gaussian', 'cube', 'none', 'minibatch'];
export const SAMPLINGS: readonly Sampling[] = ['uniform', 'shuffle'];

const lr: NumberSpec = { kind: 'number', min: 0, max: 1e6, exclusiveMin: true, default: 0.01, description: 'Learning rate η (step size).' };
const radius: NumberSpec = {
  kind: 'number',
  min: 0,
  max: 1e6,
  default: 0.3,
  description:
    'x-space noise radius a = η·r of the perturbation η·ω: uniform-ball radius, Gaussian σ per coordinate, or cube half-width (the paper\'s "noise = 0.3"). The gradient-noise bound r = a/η is derived.',
};
const steps: NumberSpec = { kind: 'integer', min: 1, max: 10_000_000, default: 1000, description: 'SGD steps (of one stage).' };
const noise: EnumSpec = {
  kind: 'enum',
  values: NOISE_KINDS,
  valueDescriptions: [
    "Uniform in the ball of radius `radius` (the paper's model).",
    'Gaussian, standard deviation `radius` per coordinate.',
    'Uniform in the cube of half-width `radius`.',
    'No noise: plain gradient descent.',
    'Minibatch SGD (finite-sum losses): the mean gradient of `batchSize` examples per step; `radius` does not apply.',
  ],
  default: 'uniform',
  description: 'Law of the x-space perturbation η·ω.',
};
const batchSize: NumberSpec = {
  kind: 'integer',
  min: 1,
  max: 10_000_000,
  description: 'Noise "minibatch": examples per step B, at most the number of examples n (B = n is exactly GD).',
};
const sampling: EnumSpec = {
  kind: 'enum',
  values: SAMPLINGS,
  valueDescriptions: [
    'Each step draws B distinct examples uniformly at random.',
    'Each epoch walks a fresh random permutation in batches of B (the n mod B left over are skipped that epoch).',
  ],
  default: 'uniform',
  description: 'Noise "minibatch": how the batches are drawn.',
};
const decay: DecaySpec = {
  kind: 'decay',
  description:
    'Learning-rate decay inside a stage: `{"kind":"constant"}`, `{"kind":"step","every":N,"factor":f}` (η·f^⌊t/N⌋), `{"kind":"exponential","rate":q}` (η·q^t), `{"kind":"cosine","minLr"?:m}`, `{"kind":"inverse","t0":τ}` (η/(1+t/τ)).',
};

/** The fields of one stage (RUN.json `stages[i]`, the `schedule` setting's items). */
export const STAGE_FIELDS = {
  lr,
  radius,
  steps,
  noise,
  init: {
    kind: 'box',
    description: 'Restart the trials from fresh uniform draws in this box instead of chaining from the previous stage.',
  } as BoxSpec,
  decay,
  batchSize,
  sampling,
  scaleRadiusWithLr: {
    kind: 'boolean',
    default: false,
    description: 'Scale the perturbation with the decayed learning rate (a_t = radius·η_t/η), keeping r fixed.',
  } as BooleanSpec,
} as const;
export type StageKey = keyof typeof STAGE_FIELDS;

/** Stage fields a run may also give flat, for a single stage or for every stage below it. */
export const FLAT_STAGE_KEYS = ['lr', 'radius', 'steps', 'noise', 'decay', 'batchSize', 'sampling'] as const;
export type FlatStageKey = (typeof FLAT_STAGE_KEYS)[number];

/**
 * The optimizers of RUN.json `methods[i].optimizer`, their parameters, ranges and defaults
 * (PyTorch's: momentum 0.9 as is usual with SGD, Adam's betas (0.9, 0.999) and eps 1e-8, SAM's
 * rho 0.05). Every parameter may be left out. The update rules: `Optimizer` in types.ts.
 */
export const OPTIMIZER_KINDS: Record<OptimizerKind, { label: string; description: string; params: Record<string, NumberSpec> }> = {
  sgd: { label: 'SGD', description: "x ← x − η·ĝ (the paper's model).", params: {} },
  momentum: {
    label: 'Momentum',
    description: 'Heavy ball: v ← β·v + ĝ; x ← x − η·v.',
    params: { beta: { kind: 'number', min: 0, max: 1, exclusiveMax: true, default: 0.9, description: 'Momentum β.' } },
  },
  nesterov: {
    label: 'Nesterov',
    description: 'v ← β·v + ĝ; x ← x − η·(ĝ + β·v).',
    params: { beta: { kind: 'number', min: 0, max: 1, exclusiveMax: true, default: 0.9, description: 'Momentum β.' } },
  },
  adam: {
    label: 'Adam',
    description: 'm ← β₁m + (1−β₁)ĝ; s ← β₂s + (1−β₂)ĝ²; x ← x − η·(m/(1−β₁ᵗ))/(√(s/(1−β₂ᵗ)) + ε).',
    params: {
      beta1: { kind: 'number', min: 0, max: 1, exclusiveMax: true, default: 0.9, description: 'Decay β₁ of the first moment.' },
      beta2: { kind: 'number', min: 0, max: 1, exclusiveMax: true, default: 0.999, description: 'Decay β₂ of the second moment.' },
      eps: { kind: 'number', min: 0, max: 1, exclusiveMin: true, default: 1e-8, description: 'ε added to the denominator.' },
    },
  },
  sam: {
    label: 'SAM',
    description: 'Sharpness-aware: e = ρ·∇f(x)/‖∇f(x)‖; ĝ = ∇f(x + e) + ω; x ← x − η·ĝ.',
    params: { rho: { kind: 'number', min: 0, max: 1e6, default: 0.05, description: 'Radius ρ of the ascent step.' } },
  },
};
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZER_KINDS) as OptimizerKind[];

/** At most this many methods in one run (each gets its own colour). */
export const METHODS_MAX = 8;

/**
 * The fields of one method (RUN.json `methods[i]`): `name` (a label, unique in the run),
 * `optimizer` (a kind of OPTIMIZER_KINDS with its parameters), `noise` (a noise kind).
 */
export const METHOD_FIELDS = {
  name: {
    maxLength: 40,
    description: 'Name shown in legends and results: 1 to 40 characters, unique in the run.',
  },
  optimizer: {
    description:
      'Update rule and its parameters: `{"kind":"sgd"}`, `{"kind":"momentum","beta"?}`, `{"kind":"nesterov","beta"?}`, `{"kind":"adam","beta1"?,"beta2"?,"eps"?}`, `{"kind":"sam","rho"?}`.',
  },
  noise: {
    ...noise,
    default: undefined,
    description: "Noise law for every stage of this method (`none`: its deterministic version); default: each stage's own.",
  } as EnumSpec,
} as const;

/**
 * Said of the settings a run's result grows with: their ranges hold alone, the result's size
 * budget (resultBudget.ts) bounds them together.
 */
const BUDGET_NOTE =
  ' With the other settings, bounded by the result\'s size (at most 20,000,000 numbers, README "The result\'s size"): a run over it is refused before it starts, saying which settings to lower and to what.';

/** Every RUN.json field (also `<name>Options.defaults`, the side panel's run message). */
export const RUN_FIELDS = {
  function: { kind: 'name', maxLength: 200, description: 'Export name of the loss in the file.' } as NameSpec,
  dim: {
    kind: 'integer',
    min: 1,
    max: DIM_MAX,
    description: 'Dimension, for losses of one number[] parameter (k number parameters fix it to k).',
  } as NumberSpec,
  seed: {
    kind: 'seed',
    maxLength: 200,
    default: '1',
    description: 'Seed of all random draws: the same seed gives the same numbers on every machine and any worker count.',
  } as SeedSpec,
  trials: {
    kind: 'integer',
    min: 1,
    max: 100_000,
    default: 100,
    description: 'Number of trials from uniform random starts in the init box.' + BUDGET_NOTE,
  } as NumberSpec,
  init: { kind: 'box', description: 'Box of the uniform random starts.' } as BoxSpec,
  stages: {
    kind: 'stages',
    maxItems: 64,
    description: 'Stages, chained (stage k+1 starts at x_T of stage k) unless a stage has its own `init` box.',
  } as StagesSpec,
  lr,
  radius,
  steps,
  noise,
  decay,
  batchSize,
  sampling: { ...sampling, default: undefined } as EnumSpec,
  xStar: { kind: 'vector', description: 'Target point x* for the diagnostics.' } as VectorSpec,
  domain: { kind: 'box', description: 'Box of the landscape (the init box must lie inside).' } as BoxSpec,
  resolution: {
    kind: 'integer',
    min: 3,
    max: 2001,
    zero: 'automatic: 601 in 1-D, 201 otherwise',
    default: 0,
    description: 'Grid points per axis for the landscape and the c(y) map.' + BUDGET_NOTE,
  } as NumberSpec,
  compareGd: {
    kind: 'boolean',
    default: true,
    description: 'Also run plain gradient descent from the same starts beside SGD (when `methods` is not given).',
  } as BooleanSpec,
  methods: {
    kind: 'methods',
    maxItems: METHODS_MAX,
    description:
      'Methods run from the same starts, seed and stages: a list of `{ "name", "optimizer"?, "noise"? }` (optimizer default `{"kind":"sgd"}`; `noise` replaces every stage\'s noise kind, `"none"` for its deterministic version). Default: SGD, and GD when `compareGd`.',
  } as MethodsSpec,
  targets: {
    kind: 'points',
    maxItems: 64,
    description:
      'Points a final counts as a success near (within `successRadius` of any). Default: a declared `xStar`, else the global minima of f found on the landscape grid.',
  } as PointsSpec,
  sampleTrajectories: {
    kind: 'integer',
    min: 0,
    max: 1000,
    default: 20,
    description: 'Trials whose paths are kept for drawing.' + BUDGET_NOTE,
  } as NumberSpec,
  trajectoryPoints: {
    kind: 'integer',
    min: 2,
    max: 100_000,
    default: 400,
    description: 'Points kept per sampled path.' + BUDGET_NOTE,
  } as NumberSpec,
  checkpoints: {
    kind: 'integer',
    min: 2,
    max: 10_000,
    default: 50,
    description: 'Checkpoints per trial for the Figure 5 diagnostics.' + BUDGET_NOTE,
  } as NumberSpec,
  probeRadius: {
    kind: 'number',
    min: 0,
    max: 1e6,
    default: 0.5,
    description: 'Radius of the ball around x_t for Figure 5(b).',
  } as NumberSpec,
  probeSamples: {
    kind: 'integer',
    min: 1,
    max: 1000,
    default: 8,
    description: 'Random points per checkpoint for Figure 5(b).',
  } as NumberSpec,
  histogramBin: {
    kind: 'number',
    min: 0,
    max: 1e6,
    exclusiveMin: true,
    default: 0.06,
    description: 'Bin width of the final-iterate histogram.',
  } as NumberSpec,
  divergenceFactor: {
    kind: 'number',
    min: 1,
    max: 1e12,
    default: 100,
    description: 'A trial farther than this many domain diameters from the domain is diverged.',
  } as NumberSpec,
  fdStep: {
    kind: 'number',
    min: 0,
    max: 1,
    default: 0,
    description: 'Central-difference step (0 = automatic: 1e-5·max(1, |x_i|)).',
  } as NumberSpec,
  slices: {
    kind: 'integer',
    min: 1,
    max: 64,
    default: 3,
    description: 'd > 2: number of 1-D slices through x* (their directions: `sliceDirections`).',
  } as NumberSpec,
  successRadius: {
    kind: 'number',
    min: 0,
    max: 1e6,
    exclusiveMin: true,
    zero: "automatic: 5% of the domain diameter, or the last stage's Theorem 1 ball when that is smaller",
    default: 0,
    description:
      'A trial succeeds when its final (y_T, or x_T for optimizers other than SGD) lies within this distance of a target (x* without `targets`).',
  } as NumberSpec,
  sliceDirections: {
    kind: 'directions',
    maxItems: 64,
    description:
      "d > 2: directions of the slices through x*. Absent: `slices` seeded random directions (orthonormal in blocks of d); for a minibatch run without a declared x* (found from the finals; d ≤ 64), the result's slices are recomputed through x* along the eigenvectors of the measured noise covariance C(x*), largest eigenvalue first (the random ones past d).",
  } as DirectionsSpec,
} as const;
export type RunKey = keyof typeof RUN_FIELDS;

/**
 * The axes of a sweep (SWEEP.json's `sweep`): each a list of values of the first stage's field
 * (`trials`: of the run's), checked against that field's range. `steps` and `trials` are the
 * optional third axis (one of them).
 */
export const SWEEP_AXES = { radius, lr, steps, trials: RUN_FIELDS.trials } as const;
export type SweepAxis = keyof typeof SWEEP_AXES;

/** SWEEP.json's `sweep` field . */
export const SWEEP_FIELD: SweepSpec = {
  kind: 'sweep',
  maxValues: 64,
  maxCells: 4096,
  default: { radius: [0, 0.15, 0.3, 0.6, 1.2], lr: [0.01, 0.05] },
  description:
    'A sweep\'s grid: `{ "radius": [...], "lr": [...], "steps"?: [...] or "trials"?: [...], "allStages"?: true }`. The values replace the first stage\'s radius, learning rate and steps (and the run\'s trials); with `allStages` later stages are scaled by the same factors.',
};

/** The parameters of each decay kind (all required except cosine's `minLr`). */
export const DECAY_KINDS: Record<string, { params: Record<string, NumberSpec>; optional?: readonly string[] }> = {
  constant: { params: {} },
  step: {
    params: {
      every: { kind: 'integer', min: 1, max: steps.max, description: 'Steps between two cuts of η.' },
      factor: { kind: 'number', min: 0, max: 1, exclusiveMin: true, description: 'Factor applied to η at each cut.' },
    },
  },
  exponential: { params: { rate: { kind: 'number', min: 0, max: 1, exclusiveMin: true, description: 'η·rate^t.' } } },
  cosine: {
    params: { minLr: { kind: 'number', min: 0, max: lr.max, description: 'Learning rate at the end of the stage.' } },
    optional: ['minLr'],
  },
  inverse: { params: { t0: { kind: 'number', min: 0, max: 1e12, exclusiveMin: true, description: 'η/(1 + t/t0).' } } },
};

/** Settings of the host (extension and CLI) that shape how a run is executed, not what it computes. */
export const HOST_FIELDS = {
  workers: {
    kind: 'integer',
    min: 1,
    max: 64,
    zero: 'one per CPU core',
    default: 0,
    description: 'Worker threads for trials.',
  } as NumberSpec,
  timeLimitSeconds: {
    kind: 'number',
    min: 1,
    max: 86_400,
    zero: 'no limit',
    default: 600,
    description: 'A whole run that takes longer than this many seconds is stopped.',
  } as NumberSpec,
  stallSeconds: {
    kind: 'number',
    min: 0.1,
    max: 3600,
    default: 10,
    description:
      'A loss call that has not returned in this many seconds is stopped; its worker is replaced and the function and input are reported.',
  } as NumberSpec,
  memoryLimitMb: {
    kind: 'integer',
    min: 32,
    max: 65_536,
    default: 1024,
    description: 'Heap limit of each worker thread in MB; a loss that exhausts it ends the run with a clear error.',
  } as NumberSpec,
  watch: {
    kind: 'boolean',
    default: false,
    description: 'Watch mode: saving the file of the last run re-runs it (debounced; the previous run is cancelled).',
  } as BooleanSpec,
} as const;
export type HostKey = keyof typeof HOST_FIELDS;

/** Where the CLI's defaults differ from the extension's, and why. */
export const CLI_DEFAULTS: Partial<Record<HostKey, number>> = {
  // A script or CI job bounds its own time; the extension keeps the editor's runs short.
  timeLimitSeconds: 0,
  // The CLI has the machine to itself; the extension shares the extension host's process.
  memoryLimitMb: 2048,
};

/** The CLI's flags that set a field of this table. */
export const CLI_FLAGS = {
  seed: { field: 'seed', table: 'run' },
  trials: { field: 'trials', table: 'run' },
  workers: { field: 'workers', table: 'host' },
  'stall-seconds': { field: 'stallSeconds', table: 'host' },
  'time-limit': { field: 'timeLimitSeconds', table: 'host' },
  'memory-mb': { field: 'memoryLimitMb', table: 'host' },
} as const;

/**
 * The `sgdLandscape.*` settings of VS Code, in the order the Settings editor lists them. Each
 * names its field in RUN_FIELDS or HOST_FIELDS; `schedule` is RUN.json's `stages`. A `default`
 * or `description` here replaces the field's own for the setting.
 */
export const VSCODE_SETTINGS: ReadonlyArray<{
  key: string;
  field: RunKey | HostKey;
  default?: unknown;
  description?: string;
  /** Held back in untrusted workspaces (package.json `restrictedConfigurations`). */
  restricted?: boolean;
}> = [
  { key: 'lr', field: 'lr' },
  { key: 'radius', field: 'radius' },
  { key: 'noise', field: 'noise' },
  { key: 'steps', field: 'steps', description: 'SGD steps per trial (single-stage runs).' },
  { key: 'trials', field: 'trials' },
  { key: 'seed', field: 'seed' },
  {
    key: 'dim',
    field: 'dim',
    default: 2,
    description: 'Dimension for losses that take one `number[]` parameter and whose `<name>Options` has no `dim`.',
  },
  {
    key: 'schedule',
    field: 'stages',
    default: [],
    description:
      'Multi-stage schedule: a list of `{ "lr", "radius", "steps", "noise", "init"?, "decay"? }`, chained unless a stage has its own `init` box (the paper\'s Figure 3 row 3). When non-empty it replaces the single stage of `lr`, `radius`, `steps`, `noise`, which fill the fields a stage leaves out.',
  },
  { key: 'decay', field: 'decay', default: { kind: 'constant' } },
  { key: 'resolution', field: 'resolution' },
  { key: 'workers', field: 'workers' },
  { key: 'timeLimitSeconds', field: 'timeLimitSeconds' },
  { key: 'stallSeconds', field: 'stallSeconds' },
  { key: 'memoryLimitMb', field: 'memoryLimitMb' },
  { key: 'watch', field: 'watch', restricted: true },
  { key: 'compareGd', field: 'compareGd' },
];

export const SETTINGS_SECTION = 'sgdLandscape';

/** The spec of a field of RUN_FIELDS or HOST_FIELDS, or of `sweep`. */
export function fieldSpec(field: RunKey | HostKey | 'sweep'): FieldSpec {
  if (field === 'sweep') return SWEEP_FIELD;
  return (field in RUN_FIELDS ? RUN_FIELDS[field as RunKey] : HOST_FIELDS[field as HostKey]) as FieldSpec;
}

/** The VS Code setting key (without the section) of a RUN.json field, if it is a setting. */
export function settingKeyOf(field: string): string | undefined {
  return VSCODE_SETTINGS.find((s) => s.field === field)?.key;
}

/** "[1, 100000]", "(0, 1000000]", "[0, 1)", "0 (automatic: …) or [3, 2001]". */
export function rangeText(spec: NumberSpec): string {
  const interval = `${spec.exclusiveMin ? '(' : '['}${spec.min}, ${spec.max}${spec.exclusiveMax ? ')' : ']'}`;
  return spec.zero ? `0 (${spec.zero}) or ${interval}` : interval;
}

/** Whether `v` is allowed by `spec` (type, integer, range, the 0 special value). */
export function inRange(v: number, spec: NumberSpec): boolean {
  if (!Number.isFinite(v)) return false;
  if (spec.kind === 'integer' && !Number.isInteger(v)) return false;
  if (spec.zero && v === 0) return true;
  return (spec.exclusiveMin ? v > spec.min : v >= spec.min) && (spec.exclusiveMax ? v < spec.max : v <= spec.max);
}

/** Table defaults of the RUN.json fields that have one (the lowest layer of every run). */
export function runDefaults(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(RUN_FIELDS) as Array<[string, FieldSpec]>) {
    if ('default' in spec && spec.default !== undefined) out[k] = spec.default;
  }
  return out;
}
