/**
 * The `sgdLandscape.*` settings as plain data: validation (VS Code does not enforce a schema's
 * minimum/maximum on hand-edited settings.json) and the merge into a RUN.json-style input.
 * No `vscode` import, so it is unit-tested directly.
 *
 * Precedence, lowest first: VS Code settings < the file's `<name>Options` (`dim` and
 * `defaults`) < explicit overrides (side panel, command arguments). For the schedule:
 * - settings give one stage from lr/radius/noise/steps/decay, or `schedule` when non-empty;
 * - a higher layer with a non-empty `stages` replaces the schedule (its missing stage fields are
 *   filled from that layer's flat lr/radius/…, then from the settings);
 * - a higher layer with flat lr/radius/noise/steps/decay and no `stages` sets that field in
 *   every stage of the schedule below it.
 * Other fields (trials, seed, dim, init, domain, xStar, resolution, compareGd, …) replace field by
 * field; boxes replace whole.
 */
import type { Decay, NoiseKind, RunConfigInput, Stage } from '../engine/types';

/** Flat single-stage shorthand accepted beside RunConfigInput (RUN.json accepts it too). */
export interface FlatStage {
  lr?: number;
  radius?: number;
  noise?: NoiseKind;
  steps?: number;
  decay?: Decay;
}

export type RunInputLayer = RunConfigInput & FlatStage;

export interface ExtensionSettings {
  lr: number;
  radius: number;
  noise: NoiseKind;
  steps: number;
  trials: number;
  seed: string;
  dim: number;
  schedule: Array<Partial<Stage>>;
  decay: Decay;
  /** 0 = automatic (601 points in 1-D, 201 per axis otherwise). */
  resolution: number;
  /** 0 = one worker per core. */
  workers: number;
  timeLimitSeconds: number;
  stallSeconds: number;
  memoryLimitMb: number;
  watch: boolean;
  compareGd: boolean;
}

interface NumSpec {
  type: 'number' | 'integer';
  default: number;
  minimum: number;
  maximum: number;
  exclusiveMinimum?: boolean;
  description: string;
}

/**
 * The single source of the settings' ranges and defaults. `package.json` repeats them as a JSON
 * schema (VS Code reads only that); a unit test keeps the two equal.
 */
export const NUMBER_SETTINGS: Record<
  'lr' | 'radius' | 'steps' | 'trials' | 'dim' | 'resolution' | 'workers' | 'timeLimitSeconds' | 'stallSeconds' | 'memoryLimitMb',
  NumSpec
> = {
  lr: { type: 'number', default: 0.01, minimum: 0, maximum: 1e6, exclusiveMinimum: true, description: 'Learning rate η (step size), > 0.' },
  radius: {
    type: 'number',
    default: 0.3,
    minimum: 0,
    maximum: 1e6,
    description:
      'x-space noise radius a = η·r of the perturbation η·ω: uniform-ball radius, Gaussian σ per coordinate, or cube half-width (the paper\'s "noise = 0.3").',
  },
  steps: { type: 'integer', default: 1000, minimum: 1, maximum: 10_000_000, description: 'SGD steps per trial (single-stage runs).' },
  trials: {
    type: 'integer',
    default: 100,
    minimum: 1,
    maximum: 100_000,
    description: 'Number of trials from uniform random starts in the init box.',
  },
  dim: {
    type: 'integer',
    default: 2,
    minimum: 1,
    maximum: 10_000,
    description: 'Dimension for losses that take one number[] parameter and whose <name>Options has no dim.',
  },
  resolution: {
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 2001,
    description:
      'Grid points per axis for the landscape and the c(y) map; 0 = automatic (601 in 1-D, 201 otherwise). Otherwise at least 3.',
  },
  workers: { type: 'integer', default: 0, minimum: 0, maximum: 64, description: 'Worker threads for trials; 0 = one per CPU core.' },
  timeLimitSeconds: {
    type: 'number',
    default: 600,
    minimum: 1,
    maximum: 86_400,
    description: 'A whole run that takes longer than this is stopped.',
  },
  stallSeconds: {
    type: 'number',
    default: 10,
    minimum: 0.1,
    maximum: 3600,
    description: 'A loss call that has not returned in this long is stopped; its worker is replaced and the input is reported.',
  },
  memoryLimitMb: {
    type: 'integer',
    default: 1024,
    minimum: 32,
    maximum: 65_536,
    description: 'Heap limit of each worker thread (MB); a loss that exhausts it ends the run with a clear error.',
  },
};

export const NOISE_ENUM: readonly NoiseKind[] = ['uniform', 'gaussian', 'cube', 'none'];

export const DEFAULT_SETTINGS: ExtensionSettings = {
  lr: NUMBER_SETTINGS.lr.default,
  radius: NUMBER_SETTINGS.radius.default,
  noise: 'uniform',
  steps: NUMBER_SETTINGS.steps.default,
  trials: NUMBER_SETTINGS.trials.default,
  seed: '1',
  dim: NUMBER_SETTINGS.dim.default,
  schedule: [],
  decay: { kind: 'constant' },
  resolution: NUMBER_SETTINGS.resolution.default,
  workers: NUMBER_SETTINGS.workers.default,
  timeLimitSeconds: NUMBER_SETTINGS.timeLimitSeconds.default,
  stallSeconds: NUMBER_SETTINGS.stallSeconds.default,
  memoryLimitMb: NUMBER_SETTINGS.memoryLimitMb.default,
  watch: false,
  compareGd: true,
};

/** A bad value in the user's settings; `setting` is the full id, e.g. `sgdLandscape.lr`. */
export class SettingsError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'SettingsError';
  }
}

function range(spec: NumSpec): string {
  return `${spec.exclusiveMinimum ? '(' : '['}${spec.minimum}, ${spec.maximum}]`;
}

/** Validates raw values (as `WorkspaceConfiguration.get` returns them); missing → defaults. */
export function parseSettings(raw: Readonly<Record<string, unknown>>): ExtensionSettings {
  const out: ExtensionSettings = { ...DEFAULT_SETTINGS, schedule: [], decay: { kind: 'constant' } };
  for (const [key, spec] of Object.entries(NUMBER_SETTINGS) as Array<[keyof typeof NUMBER_SETTINGS, NumSpec]>) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    const what = spec.type === 'integer' ? 'an integer' : 'a number';
    const bad =
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (spec.type === 'integer' && !Number.isInteger(v)) ||
      v < spec.minimum ||
      v > spec.maximum ||
      (spec.exclusiveMinimum && v === spec.minimum);
    if (bad) throw new SettingsError(`sgdLandscape.${key}`, `must be ${what} in ${range(spec)}, got ${JSON.stringify(v)}`);
    out[key] = v as number;
  }
  if (out.resolution === 1 || out.resolution === 2) {
    throw new SettingsError(
      'sgdLandscape.resolution',
      `must be 0 (automatic) or an integer in [3, ${NUMBER_SETTINGS.resolution.maximum}], got ${out.resolution}`,
    );
  }
  if (raw.noise !== undefined && raw.noise !== null) {
    if (!NOISE_ENUM.includes(raw.noise as NoiseKind)) {
      throw new SettingsError('sgdLandscape.noise', `must be one of ${NOISE_ENUM.join(', ')}, got ${JSON.stringify(raw.noise)}`);
    }
    out.noise = raw.noise as NoiseKind;
  }
  if (raw.seed !== undefined && raw.seed !== null) {
    if (typeof raw.seed !== 'string' && !(typeof raw.seed === 'number' && Number.isFinite(raw.seed))) {
      throw new SettingsError('sgdLandscape.seed', `must be a string, got ${JSON.stringify(raw.seed)}`);
    }
    out.seed = String(raw.seed);
  }
  for (const key of ['watch', 'compareGd'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw new SettingsError(`sgdLandscape.${key}`, `must be true or false, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  if (raw.schedule !== undefined && raw.schedule !== null) {
    if (!Array.isArray(raw.schedule))
      throw new SettingsError('sgdLandscape.schedule', 'must be a list of stages { "lr", "radius", "steps", "noise" }');
    out.schedule = raw.schedule.map((s, i) => {
      if (typeof s !== 'object' || s === null || Array.isArray(s)) {
        throw new SettingsError(`sgdLandscape.schedule[${i}]`, 'must be an object { "lr", "radius", "steps", "noise", "init"? }');
      }
      const st = s as Record<string, unknown>;
      const where = `sgdLandscape.schedule[${i}]`;
      const check = (key: 'lr' | 'radius' | 'steps', ok: (v: number) => boolean, range: string) => {
        const v = st[key];
        if (v === undefined) return;
        if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
          throw new SettingsError(`${where}.${key}`, `must be ${range}, got ${JSON.stringify(v)}`);
      };
      check('lr', (v) => v > 0 && v <= NUMBER_SETTINGS.lr.maximum, `a number in (0, ${NUMBER_SETTINGS.lr.maximum}]`);
      check('radius', (v) => v >= 0 && v <= NUMBER_SETTINGS.radius.maximum, `a number in [0, ${NUMBER_SETTINGS.radius.maximum}]`);
      check(
        'steps',
        (v) => Number.isInteger(v) && v >= 1 && v <= NUMBER_SETTINGS.steps.maximum,
        `an integer in [1, ${NUMBER_SETTINGS.steps.maximum}]`,
      );
      if (st.noise !== undefined && !NOISE_ENUM.includes(st.noise as NoiseKind)) {
        throw new SettingsError(`${where}.noise`, `must be one of ${NOISE_ENUM.join(', ')}, got ${JSON.stringify(st.noise)}`);
      }
      return { ...(s as Partial<Stage>) };
    });
  }
  if (raw.decay !== undefined && raw.decay !== null) {
    if (typeof raw.decay !== 'object' || Array.isArray(raw.decay) || typeof (raw.decay as { kind?: unknown }).kind !== 'string') {
      throw new SettingsError('sgdLandscape.decay', 'must be an object with a "kind": constant, step, exponential, cosine or inverse');
    }
    out.decay = { ...(raw.decay as Decay) };
  }
  return out;
}

export interface RunnerLimits {
  workers?: number;
  timeLimitMs: number;
  stallMs: number;
  memoryLimitMb: number;
}

export function runnerLimits(s: ExtensionSettings): RunnerLimits {
  const out: RunnerLimits = {
    timeLimitMs: Math.round(s.timeLimitSeconds * 1000),
    stallMs: Math.round(s.stallSeconds * 1000),
    memoryLimitMb: s.memoryLimitMb,
  };
  if (s.workers > 0) out.workers = s.workers;
  return out;
}

/** The settings as the lowest layer of a run input. `dim` only matters for array-style losses. */
export function settingsLayer(s: ExtensionSettings, argStyle: 'scalars' | 'array'): RunInputLayer {
  const layer: RunInputLayer = {
    trials: s.trials,
    seed: s.seed,
    compareGd: s.compareGd,
  };
  if (s.resolution > 0) layer.resolution = s.resolution;
  if (argStyle === 'array') layer.dim = s.dim;
  if (s.schedule.length > 0) {
    layer.stages = s.schedule.map((st) => ({ ...st }));
  }
  layer.lr = s.lr;
  layer.radius = s.radius;
  layer.noise = s.noise;
  layer.steps = s.steps;
  if (s.decay.kind !== 'constant') layer.decay = s.decay;
  return layer;
}

const FLAT_KEYS = ['lr', 'radius', 'noise', 'steps', 'decay'] as const;

/**
 * Merges layers (lowest first) into one input with explicit `stages` and no flat shorthand.
 * Flat values of all layers so far (higher winning) fill the fields a new schedule leaves open.
 */
export function mergeLayers(layers: ReadonlyArray<RunInputLayer | undefined>): RunConfigInput {
  const out: Record<string, unknown> = {};
  let stages: Array<Partial<Stage>> | undefined;
  const base: FlatStage = {};
  for (const layer of layers) {
    if (!layer) continue;
    const flat: FlatStage = {};
    for (const k of FLAT_KEYS) if (layer[k] !== undefined) (flat as Record<string, unknown>)[k] = layer[k];
    if (Array.isArray(layer.stages) && layer.stages.length > 0) {
      // A new schedule: fill its open fields from this layer's flat values, then the lower ones.
      stages = layer.stages.map((st) => fill({ ...st }, flat, base));
    } else if (stages) {
      for (const st of stages) Object.assign(st, flat);
    }
    Object.assign(base, flat);
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined || k === 'stages' || (FLAT_KEYS as readonly string[]).includes(k)) continue;
      out[k] = v;
    }
  }
  out.stages = stages ?? [fill({}, base, {})];
  return out as RunConfigInput;
}

function fill(st: Partial<Stage>, a: FlatStage, b: FlatStage): Partial<Stage> {
  for (const k of FLAT_KEYS) {
    if (st[k] === undefined) {
      const v = a[k] ?? b[k];
      if (v !== undefined) (st as Record<string, unknown>)[k] = v;
    }
  }
  if (st.noise === 'none' && st.radius === undefined) st.radius = 0;
  return st;
}

/** What the file's `<name>Options` contributes: its `defaults`, with `dim` as a default too. */
export function fileLayer(options: { dim?: number; defaults?: RunConfigInput } | undefined): RunInputLayer | undefined {
  if (!options) return undefined;
  const layer: RunInputLayer = { ...(options.defaults ?? {}) } as RunInputLayer;
  if (options.dim !== undefined && layer.dim === undefined) layer.dim = options.dim;
  return layer;
}

/**
 * The full run input for `exportName`. For scalar-parameter losses `dim` is left out unless a
 * layer above the settings sets it (then the engine checks it against the signature).
 */
export function buildRunInput(args: {
  exportName: string;
  argStyle: 'scalars' | 'array';
  settings: ExtensionSettings;
  options?: { dim?: number; defaults?: RunConfigInput };
  overrides?: RunInputLayer;
}): RunConfigInput {
  const merged = mergeLayers([settingsLayer(args.settings, args.argStyle), fileLayer(args.options), args.overrides]);
  merged.function = args.exportName;
  return merged;
}

/**
 * The fields of `sent` that differ from `shown` (what a side panel displayed): those are the
 * user's explicit overrides; unchanged echoes of displayed values must not flatten a schedule.
 */
export function changedFields(shown: Readonly<Record<string, unknown>>, sent: Readonly<Record<string, unknown>>): RunInputLayer {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sent)) {
    if (v === undefined) continue;
    if (JSON.stringify(v) !== JSON.stringify(shown[k])) out[k] = v;
  }
  return out as RunInputLayer;
}

/** The effective flat values to show in the side panel (from the first stage of the input). */
export function displaySettings(input: RunConfigInput): RunConfigInput & { lr: number; radius: number; noise: NoiseKind; steps: number } {
  const first = input.stages?.[0] ?? {};
  return {
    ...input,
    lr: first.lr ?? DEFAULT_SETTINGS.lr,
    radius: first.radius ?? DEFAULT_SETTINGS.radius,
    noise: first.noise ?? DEFAULT_SETTINGS.noise,
    steps: first.steps ?? DEFAULT_SETTINGS.steps,
  };
}
