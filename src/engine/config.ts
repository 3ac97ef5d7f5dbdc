/**
 * RUN.json → RunConfig: documented defaults, then validation that names the setting and the
 * allowed range. Precedence (lowest first): engine defaults < `ctx.base` (editor settings) <
 * the loss file's exported `<name>Options` (domain, xStar, dim, defaults) < the caller's input.
 */
import type { Box, Decay, LossOptions, NoiseKind, RunConfig, RunConfigInput, Stage } from './types';

export class ConfigError extends Error {
  constructor(
    /** Dotted path of the offending setting, e.g. `stages[1].radius`. */
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const NOISE_KINDS: readonly NoiseKind[] = ['uniform', 'gaussian', 'cube', 'none'];

/** Defaults for every optional RUN.json field (documented in README). */
export const DEFAULTS = {
  seed: '1',
  trials: 100,
  lr: 0.01,
  radius: 0.3,
  steps: 1000,
  noise: 'uniform' as NoiseKind,
  /** Per-axis half width of the init box when neither the file nor the run gives one. */
  initHalfWidth: 3,
  resolution: { 1: 601, 2: 201, high: 201 } as const,
  compareGd: true,
  sampleTrajectories: 20,
  trajectoryPoints: 400,
  checkpoints: 50,
  probeRadius: 0.5,
  probeSamples: 8,
  histogramBin: 0.06,
  divergenceFactor: 100,
  fdStep: 0,
  slices: 3,
} as const;

/** Upper limits that keep a run inside memory and reason. */
export const LIMITS = {
  dim: 10_000,
  trials: 100_000,
  steps: 10_000_000,
  stages: 64,
  resolution: 2001,
  sampleTrajectories: 1000,
  trajectoryPoints: 100_000,
  checkpoints: 10_000,
  probeSamples: 1000,
  slices: 64,
} as const;

export interface ResolveContext {
  /** Dimension fixed by the function's signature (k number parameters). */
  dim?: number;
  /** The file's `<name>Options` export. */
  options?: LossOptions;
  /** Lowest-precedence input (the editor's settings): the file's defaults override it. */
  base?: RunConfigInput;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function num(v: unknown, setting: string, lo: number, hi: number, opts: { exclusiveLo?: boolean; integer?: boolean } = {}): number {
  const range = `${opts.exclusiveLo ? '(' : '['}${lo}, ${hi}]`;
  const what = opts.integer ? 'an integer' : 'a number';
  if (!isFiniteNumber(v)) throw new ConfigError(setting, `must be ${what} in ${range}, got ${JSON.stringify(v) ?? String(v)}`);
  if (opts.integer && !Number.isInteger(v)) throw new ConfigError(setting, `must be ${what} in ${range}, got ${v}`);
  if (v < lo || v > hi || (opts.exclusiveLo && v === lo)) throw new ConfigError(setting, `must be ${what} in ${range}, got ${v}`);
  return v;
}

function vector(v: unknown, setting: string, dim: number): number[] {
  if (!Array.isArray(v)) throw new ConfigError(setting, `must be an array of ${dim} finite numbers, got ${JSON.stringify(v)}`);
  if (v.length !== dim) {
    throw new ConfigError(setting, `must have ${dim} entr${dim === 1 ? 'y' : 'ies'} (the function's dimension), got ${v.length}`);
  }
  return v.map((x, i) => {
    if (!isFiniteNumber(x)) throw new ConfigError(`${setting}[${i}]`, `must be a finite number, got ${JSON.stringify(x)}`);
    return x;
  });
}

/** A scalar is accepted for a box bound and broadcast to every axis. */
function bound(v: unknown, setting: string, dim: number): number[] {
  if (isFiniteNumber(v)) return new Array(dim).fill(v);
  return vector(v, setting, dim);
}

function box(v: Partial<Box> | undefined, fallback: Box, setting: string, dim: number): Box {
  if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new ConfigError(setting, 'must be an object { "low": [...], "high": [...] }');
  }
  const low = v?.low !== undefined ? bound(v.low, `${setting}.low`, dim) : fallback.low;
  const high = v?.high !== undefined ? bound(v.high, `${setting}.high`, dim) : fallback.high;
  for (let i = 0; i < dim; i++) {
    if (!(low[i] < high[i])) {
      throw new ConfigError(`${setting}`, `low must be below high on every axis; axis ${i} has low ${low[i]} ≥ high ${high[i]}`);
    }
  }
  return { low: [...low], high: [...high] };
}

function inside(inner: Box, outer: Box): boolean {
  return inner.low.every((l, i) => l >= outer.low[i] - 1e-12) && inner.high.every((h, i) => h <= outer.high[i] + 1e-12);
}

function decay(v: unknown, setting: string): Decay | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null) throw new ConfigError(setting, 'must be an object with a "kind"');
  const d = v as Record<string, unknown>;
  switch (d.kind) {
    case 'constant':
      return { kind: 'constant' };
    case 'step':
      return {
        kind: 'step',
        every: num(d.every, `${setting}.every`, 1, LIMITS.steps, { integer: true }),
        factor: num(d.factor, `${setting}.factor`, 0, 1, { exclusiveLo: true }),
      };
    case 'exponential':
      return { kind: 'exponential', rate: num(d.rate, `${setting}.rate`, 0, 1, { exclusiveLo: true }) };
    case 'cosine':
      return d.minLr === undefined ? { kind: 'cosine' } : { kind: 'cosine', minLr: num(d.minLr, `${setting}.minLr`, 0, 1e6) };
    case 'inverse':
      return { kind: 'inverse', t0: num(d.t0, `${setting}.t0`, 0, 1e12, { exclusiveLo: true }) };
    default:
      throw new ConfigError(
        `${setting}.kind`,
        `must be one of constant, step, exponential, cosine, inverse; got ${JSON.stringify(d.kind)}`,
      );
  }
}

function stage(v: Partial<Stage>, i: number, dim: number, domain: Box): Stage {
  const s = `stages[${i}]`;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConfigError(s, 'must be an object { "lr", "radius", "steps", "noise" }');
  const noise = v.noise ?? DEFAULTS.noise;
  if (!NOISE_KINDS.includes(noise))
    throw new ConfigError(`${s}.noise`, `must be one of ${NOISE_KINDS.join(', ')}; got ${JSON.stringify(noise)}`);
  const out: Stage = {
    lr: num(v.lr ?? DEFAULTS.lr, `${s}.lr`, 0, 1e6, { exclusiveLo: true }),
    radius: num(v.radius ?? (noise === 'none' ? 0 : DEFAULTS.radius), `${s}.radius`, 0, 1e6),
    steps: num(v.steps ?? DEFAULTS.steps, `${s}.steps`, 1, LIMITS.steps, { integer: true }),
    noise,
  };
  if (v.init !== undefined) {
    out.init = box(v.init, domain, `${s}.init`, dim);
    if (!inside(out.init, domain))
      throw new ConfigError(`${s}.init`, `must lie inside the domain ${fmtBox(domain)}; got ${fmtBox(out.init)}`);
  }
  const d = decay(v.decay, `${s}.decay`);
  if (d) out.decay = d;
  if (v.scaleRadiusWithLr !== undefined) {
    if (typeof v.scaleRadiusWithLr !== 'boolean') throw new ConfigError(`${s}.scaleRadiusWithLr`, 'must be true or false');
    out.scaleRadiusWithLr = v.scaleRadiusWithLr;
  }
  return out;
}

function fmtBox(b: Box): string {
  return b.low.map((l, i) => `[${l}, ${b.high[i]}]`).join(' × ');
}

function int(v: unknown, fallback: number, setting: string, lo: number, hi: number): number {
  return num(v ?? fallback, setting, lo, hi, { integer: true });
}

function bool(v: unknown, fallback: boolean, setting: string): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ConfigError(setting, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Merge two RunConfigInputs, `over` winning field by field (stages replace, boxes replace). */
export function mergeInputs(base: RunConfigInput | undefined, over: RunConfigInput | undefined): RunConfigInput {
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(over ?? {})) if (v !== undefined) out[k] = v;
  return out as RunConfigInput;
}

/**
 * Apply defaults and validate. Throws ConfigError naming the first bad setting.
 * The dimension comes from the signature (ctx.dim) when it has k number parameters, else from
 * `input.dim`, else from `options.dim`, else from the length of a given box or x*.
 */
export function resolveConfig(rawInput: RunConfigInput, ctx: ResolveContext = {}): RunConfig {
  if (typeof rawInput !== 'object' || rawInput === null || Array.isArray(rawInput)) {
    throw new ConfigError('config', 'must be a JSON object');
  }
  const opts = ctx.options ?? {};
  const input = mergeInputs(mergeInputs(ctx.base, opts.defaults), rawInput);

  if (typeof input.function !== 'string' || input.function.length === 0) {
    throw new ConfigError('function', 'must name an exported function of the file');
  }

  // Dimension.
  let dim: number | undefined = ctx.dim;
  if (dim !== undefined && input.dim !== undefined && input.dim !== dim) {
    throw new ConfigError(
      'dim',
      `the function takes ${dim} number parameter${dim === 1 ? '' : 's'}, so dim must be ${dim}; got ${JSON.stringify(input.dim)}`,
    );
  }
  if (dim === undefined && input.dim !== undefined) dim = num(input.dim, 'dim', 1, LIMITS.dim, { integer: true });
  if (dim === undefined && opts.dim !== undefined) dim = num(opts.dim, `${input.function}Options.dim`, 1, LIMITS.dim, { integer: true });
  if (dim === undefined) {
    const guess = [input.init?.low, input.init?.high, input.domain?.low, input.xStar, opts.domain?.low].find(Array.isArray);
    if (guess) dim = guess.length;
  }
  if (dim === undefined) {
    throw new ConfigError('dim', `${input.function} takes an array, so its dimension must be set: "dim" in [1, ${LIMITS.dim}]`);
  }

  // Domain and init box: each defaults to the other, then to [-3, 3]^d.
  const fallback: Box = { low: new Array(dim).fill(-DEFAULTS.initHalfWidth), high: new Array(dim).fill(DEFAULTS.initHalfWidth) };
  const optDomain = opts.domain ? box(opts.domain, fallback, `${input.function}Options.domain`, dim) : undefined;
  const domainIn = input.domain ?? optDomain;
  let domain = box(domainIn, fallback, 'domain', dim);
  const init = box(input.init, domainIn ? domain : fallback, 'init', dim);
  if (!domainIn) domain = init;
  if (!inside(init, domain)) throw new ConfigError('init', `must lie inside the domain ${fmtBox(domain)}; got ${fmtBox(init)}`);

  // Stages: `stages` wins; otherwise one stage from the flat lr/radius/steps/noise shorthand.
  const flat = input as Record<string, unknown>;
  let stagesIn: Array<Partial<Stage>>;
  if (input.stages !== undefined) {
    if (!Array.isArray(input.stages) || input.stages.length === 0) {
      throw new ConfigError('stages', `must be a non-empty list of at most ${LIMITS.stages} stages`);
    }
    stagesIn = input.stages;
  } else {
    stagesIn = [{ lr: flat.lr, radius: flat.radius, steps: flat.steps, noise: flat.noise, decay: flat.decay } as Partial<Stage>];
  }
  if (stagesIn.length > LIMITS.stages) throw new ConfigError('stages', `at most ${LIMITS.stages} stages; got ${stagesIn.length}`);
  const stages = stagesIn.map((s, i) => stage(s, i, dim!, domain));

  const xStarIn = input.xStar ?? opts.xStar;
  const xStar =
    xStarIn !== undefined ? vector(xStarIn, input.xStar !== undefined ? 'xStar' : `${input.function}Options.xStar`, dim) : undefined;

  const seed = input.seed ?? DEFAULTS.seed;
  if (typeof seed !== 'string' && !isFiniteNumber(seed))
    throw new ConfigError('seed', `must be a string or a number, got ${JSON.stringify(seed)}`);

  const defaultResolution = dim === 1 ? DEFAULTS.resolution[1] : dim === 2 ? DEFAULTS.resolution[2] : DEFAULTS.resolution.high;
  const config: RunConfig = {
    function: input.function,
    dim,
    seed: String(seed),
    trials: int(input.trials, DEFAULTS.trials, 'trials', 1, LIMITS.trials),
    init,
    stages,
    domain,
    resolution: int(input.resolution, defaultResolution, 'resolution', 3, LIMITS.resolution),
    compareGd: bool(input.compareGd, DEFAULTS.compareGd, 'compareGd'),
    sampleTrajectories: int(input.sampleTrajectories, DEFAULTS.sampleTrajectories, 'sampleTrajectories', 0, LIMITS.sampleTrajectories),
    trajectoryPoints: int(input.trajectoryPoints, DEFAULTS.trajectoryPoints, 'trajectoryPoints', 2, LIMITS.trajectoryPoints),
    checkpoints: int(input.checkpoints, DEFAULTS.checkpoints, 'checkpoints', 2, LIMITS.checkpoints),
    probeRadius: num(input.probeRadius ?? DEFAULTS.probeRadius, 'probeRadius', 0, 1e6),
    probeSamples: int(input.probeSamples, DEFAULTS.probeSamples, 'probeSamples', 1, LIMITS.probeSamples),
    histogramBin: num(input.histogramBin ?? DEFAULTS.histogramBin, 'histogramBin', 0, 1e6, { exclusiveLo: true }),
    divergenceFactor: num(input.divergenceFactor ?? DEFAULTS.divergenceFactor, 'divergenceFactor', 1, 1e12),
    fdStep: num(input.fdStep ?? DEFAULTS.fdStep, 'fdStep', 0, 1),
    slices: int(input.slices, DEFAULTS.slices, 'slices', 1, LIMITS.slices),
  };
  if (xStar) config.xStar = xStar;
  if (input.sliceDirections !== undefined) {
    if (!Array.isArray(input.sliceDirections) || input.sliceDirections.length === 0) {
      throw new ConfigError('sliceDirections', `must be a non-empty list of ${dim}-vectors`);
    }
    config.sliceDirections = input.sliceDirections.map((d, i) => {
      const v = vector(d, `sliceDirections[${i}]`, dim!);
      const n = Math.hypot(...v);
      if (!(n > 0)) throw new ConfigError(`sliceDirections[${i}]`, 'must not be the zero vector');
      return v.map((x) => x / n);
    });
    config.slices = config.sliceDirections.length;
  }
  return config;
}

/** Distinct (radius, noise) pairs of the noisy stages, in stage order: one smoothed curve each. */
export function smoothingRadii(config: RunConfig): Array<{ radius: number; noise: NoiseKind }> {
  const out: Array<{ radius: number; noise: NoiseKind }> = [];
  for (const s of config.stages) {
    if (s.noise === 'none' || s.radius <= 0) continue;
    if (!out.some((o) => o.radius === s.radius && o.noise === s.noise)) out.push({ radius: s.radius, noise: s.noise });
  }
  return out;
}

/** Total steps over all stages. */
export function totalSteps(config: RunConfig): number {
  return config.stages.reduce((n, s) => n + s.steps, 0);
}
