/**
 * Validation of what webviews send: `parseFromWebview` checks each field's type and range and
 * drops anything else, so nothing unexpected reaches the host. `LIMITS` are also the side panel's
 * input bounds. Pure TS (imported by the host and by the side panel's bundle).
 */
import type { Box, Decay, NoiseKind, Stage } from '../engine/types';
import type { FromWebview, RunMessage } from './webview';

/**
 * Bounds shared by validation and the side panel's inputs: sanity bounds, never stricter than
 * the engine's own (src/engine/config.ts LIMITS, the settings' ranges), which give the precise
 * error messages.
 */
export const LIMITS = {
  lr: { min: 1e-12, max: 1e6 },
  radius: { min: 0, max: 1e6 },
  steps: { min: 1, max: 10_000_000 },
  trials: { min: 1, max: 1_000_000 },
  stages: 64,
  dim: 10_000,
  resolution: { min: 3, max: 2000 },
  seedLength: 200,
  nameLength: 200,
  pathLength: 4096,
  pngBytes: 32 * 1024 * 1024,
} as const;

const NOISE_KINDS: readonly NoiseKind[] = ['uniform', 'gaussian', 'cube', 'none'];

/** Thrown inside the validators and caught by `parseFromWebview`. */
class Invalid extends Error {}

function fail(what: string): never {
  throw new Invalid(what);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rejects keys outside `allowed` so that nothing unexpected reaches the controller. */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${where}: unexpected field ${k}`);
}

function num(v: unknown, min: number, max: number, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(`${where}: number in [${min}, ${max}] expected`);
  return v;
}

function int(v: unknown, min: number, max: number, where: string): number {
  const n = num(v, min, max, where);
  if (!Number.isInteger(n)) fail(`${where}: integer expected`);
  return n;
}

function str(v: unknown, maxLength: number, where: string, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) fail(`${where}: string of 1..${maxLength} characters expected`);
  if (pattern && !pattern.test(v)) fail(`${where}: unexpected characters`);
  return v;
}

function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') fail(`${where}: boolean expected`);
  return v;
}

function vector(v: unknown, where: string, bound = 1e12): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > LIMITS.dim) fail(`${where}: 1..${LIMITS.dim} numbers expected`);
  return v.map((x, i) => num(x, -bound, bound, `${where}[${i}]`));
}

function box(v: unknown, where: string): Partial<Box> {
  if (!isRecord(v)) fail(`${where}: object expected`);
  onlyKeys(v, ['low', 'high'], where);
  const out: Partial<Box> = {};
  if (v.low !== undefined) out.low = vector(v.low, `${where}.low`);
  if (v.high !== undefined) out.high = vector(v.high, `${where}.high`);
  if (out.low && out.high) {
    if (out.low.length !== out.high.length) fail(`${where}: low and high differ in length`);
    out.low.forEach((lo, i) => {
      if (!(lo < out.high![i])) fail(`${where}: low[${i}] must be below high[${i}]`);
    });
  }
  return out;
}

function fullBox(v: unknown, where: string): Box {
  const b = box(v, where);
  if (!b.low || !b.high) fail(`${where}: low and high expected`);
  return b as Box;
}

function noise(v: unknown, where: string): NoiseKind {
  if (typeof v !== 'string' || !NOISE_KINDS.includes(v as NoiseKind)) fail(`${where}: one of ${NOISE_KINDS.join(', ')} expected`);
  return v as NoiseKind;
}

function decay(v: unknown, where: string): Decay {
  if (!isRecord(v)) fail(`${where}: object expected`);
  switch (v.kind) {
    case 'constant':
      onlyKeys(v, ['kind'], where);
      return { kind: 'constant' };
    case 'step':
      onlyKeys(v, ['kind', 'every', 'factor'], where);
      return { kind: 'step', every: int(v.every, 1, LIMITS.steps.max, `${where}.every`), factor: num(v.factor, 0, 1, `${where}.factor`) };
    case 'exponential':
      onlyKeys(v, ['kind', 'rate'], where);
      return { kind: 'exponential', rate: num(v.rate, 0, 1, `${where}.rate`) };
    case 'cosine': {
      onlyKeys(v, ['kind', 'minLr'], where);
      const d: Decay = { kind: 'cosine' };
      if (v.minLr !== undefined) d.minLr = num(v.minLr, 0, LIMITS.lr.max, `${where}.minLr`);
      return d;
    }
    case 'inverse':
      onlyKeys(v, ['kind', 't0'], where);
      return { kind: 'inverse', t0: num(v.t0, 1e-9, LIMITS.steps.max, `${where}.t0`) };
    default:
      return fail(`${where}.kind: unknown decay`);
  }
}

function stage(v: unknown, where: string): Partial<Stage> {
  if (!isRecord(v)) fail(`${where}: object expected`);
  onlyKeys(v, ['lr', 'radius', 'steps', 'noise', 'init', 'decay', 'scaleRadiusWithLr'], where);
  const s: Partial<Stage> = {};
  if (v.lr !== undefined) s.lr = num(v.lr, LIMITS.lr.min, LIMITS.lr.max, `${where}.lr`);
  if (v.radius !== undefined) s.radius = num(v.radius, LIMITS.radius.min, LIMITS.radius.max, `${where}.radius`);
  if (v.steps !== undefined) s.steps = int(v.steps, LIMITS.steps.min, LIMITS.steps.max, `${where}.steps`);
  if (v.noise !== undefined) s.noise = noise(v.noise, `${where}.noise`);
  if (v.init !== undefined) s.init = fullBox(v.init, `${where}.init`);
  if (v.decay !== undefined) s.decay = decay(v.decay, `${where}.decay`);
  if (v.scaleRadiusWithLr !== undefined) s.scaleRadiusWithLr = bool(v.scaleRadiusWithLr, `${where}.scaleRadiusWithLr`);
  return s;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const SETTINGS_KEYS = [
  'lr',
  'radius',
  'noise',
  'steps',
  'decay',
  'function',
  'dim',
  'seed',
  'trials',
  'init',
  'stages',
  'xStar',
  'domain',
  'resolution',
  'compareGd',
  'sampleTrajectories',
  'trajectoryPoints',
  'checkpoints',
  'probeRadius',
  'probeSamples',
  'histogramBin',
  'divergenceFactor',
  'fdStep',
  'slices',
  'sliceDirections',
] as const;

function settings(v: unknown): RunMessage['settings'] {
  if (!isRecord(v)) fail('settings: object expected');
  onlyKeys(v, SETTINGS_KEYS, 'settings');
  const s: RunMessage['settings'] = {};
  if (v.lr !== undefined) s.lr = num(v.lr, LIMITS.lr.min, LIMITS.lr.max, 'settings.lr');
  if (v.radius !== undefined) s.radius = num(v.radius, LIMITS.radius.min, LIMITS.radius.max, 'settings.radius');
  if (v.noise !== undefined) s.noise = noise(v.noise, 'settings.noise');
  if (v.steps !== undefined) s.steps = int(v.steps, LIMITS.steps.min, LIMITS.steps.max, 'settings.steps');
  if (v.decay !== undefined) s.decay = decay(v.decay, 'settings.decay');
  if (v.function !== undefined) s.function = str(v.function, LIMITS.nameLength, 'settings.function', IDENTIFIER);
  if (v.dim !== undefined) s.dim = int(v.dim, 1, LIMITS.dim, 'settings.dim');
  if (v.seed !== undefined) {
    // A number is accepted for convenience and kept as its decimal string (RunConfig.seed is a string).
    s.seed =
      typeof v.seed === 'number'
        ? String(int(v.seed, 0, Number.MAX_SAFE_INTEGER, 'settings.seed'))
        : str(v.seed, LIMITS.seedLength, 'settings.seed');
  }
  if (v.trials !== undefined) s.trials = int(v.trials, LIMITS.trials.min, LIMITS.trials.max, 'settings.trials');
  if (v.init !== undefined) s.init = box(v.init, 'settings.init');
  if (v.domain !== undefined) s.domain = box(v.domain, 'settings.domain');
  if (v.stages !== undefined) {
    if (!Array.isArray(v.stages) || v.stages.length === 0 || v.stages.length > LIMITS.stages)
      fail(`settings.stages: 1..${LIMITS.stages} stages expected`);
    s.stages = v.stages.map((st, i) => stage(st, `settings.stages[${i}]`));
  }
  if (v.xStar !== undefined) s.xStar = vector(v.xStar, 'settings.xStar');
  if (v.resolution !== undefined) {
    // 0 means automatic (the extension's settings use it); otherwise at least 3 points per axis.
    s.resolution = v.resolution === 0 ? 0 : int(v.resolution, LIMITS.resolution.min, LIMITS.resolution.max, 'settings.resolution');
  }
  if (v.compareGd !== undefined) s.compareGd = bool(v.compareGd, 'settings.compareGd');
  if (v.sampleTrajectories !== undefined) s.sampleTrajectories = int(v.sampleTrajectories, 0, 10_000, 'settings.sampleTrajectories');
  if (v.trajectoryPoints !== undefined) s.trajectoryPoints = int(v.trajectoryPoints, 2, 100_000, 'settings.trajectoryPoints');
  if (v.checkpoints !== undefined) s.checkpoints = int(v.checkpoints, 1, 100_000, 'settings.checkpoints');
  if (v.probeRadius !== undefined) s.probeRadius = num(v.probeRadius, 0, 1e6, 'settings.probeRadius');
  if (v.probeSamples !== undefined) s.probeSamples = int(v.probeSamples, 0, 10_000, 'settings.probeSamples');
  if (v.histogramBin !== undefined) s.histogramBin = num(v.histogramBin, 1e-9, 1e6, 'settings.histogramBin');
  if (v.divergenceFactor !== undefined) s.divergenceFactor = num(v.divergenceFactor, 1, 1e6, 'settings.divergenceFactor');
  if (v.fdStep !== undefined) s.fdStep = num(v.fdStep, 0, 1, 'settings.fdStep');
  if (v.slices !== undefined) s.slices = int(v.slices, 1, 64, 'settings.slices');
  if (v.sliceDirections !== undefined) {
    if (!Array.isArray(v.sliceDirections) || v.sliceDirections.length === 0 || v.sliceDirections.length > 64)
      fail('settings.sliceDirections: 1..64 vectors expected');
    s.sliceDirections = v.sliceDirections.map((d, i) => vector(d, `settings.sliceDirections[${i}]`));
  }
  return s;
}

/** Base64 PNG data URL, as `canvas.toDataURL('image/png')` returns it. */
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;
/** A file-name stem for the save dialog: letters, digits, space, dot, dash, underscore. */
const EXPORT_NAME = /^[\w .-]+$/;

function validate(raw: unknown): FromWebview {
  if (!isRecord(raw)) fail('message: object expected');
  switch (raw.type) {
    case 'ready':
    case 'stop':
    case 'showPanel':
      onlyKeys(raw, ['type'], raw.type);
      return { type: raw.type };
    case 'run': {
      onlyKeys(raw, ['type', 'exportName', 'settings'], 'run');
      const msg: RunMessage = { type: 'run', settings: settings(raw.settings) };
      if (raw.exportName !== undefined) msg.exportName = str(raw.exportName, LIMITS.nameLength, 'run.exportName', IDENTIFIER);
      return msg;
    }
    case 'openRun':
      onlyKeys(raw, ['type', 'runId'], 'openRun');
      return { type: 'openRun', runId: str(raw.runId, LIMITS.nameLength, 'openRun.runId', /^[\w.:-]+$/) };
    case 'exportPng': {
      onlyKeys(raw, ['type', 'name', 'dataUrl'], 'exportPng');
      const name = str(raw.name, 100, 'exportPng.name', EXPORT_NAME);
      if (name.includes('..')) fail('exportPng.name: no ".." allowed');
      return { type: 'exportPng', name, dataUrl: str(raw.dataUrl, LIMITS.pngBytes, 'exportPng.dataUrl', PNG_DATA_URL) };
    }
    case 'exportRun':
      onlyKeys(raw, ['type', 'format'], 'exportRun');
      if (raw.format !== 'json' && raw.format !== 'csv') fail('exportRun.format: json or csv expected');
      return { type: 'exportRun', format: raw.format };
    case 'reveal':
      onlyKeys(raw, ['type', 'file', 'line'], 'reveal');
      return { type: 'reveal', file: str(raw.file, LIMITS.pathLength, 'reveal.file'), line: int(raw.line, 0, 10_000_000, 'reveal.line') };
    default:
      return fail(`message: unknown type ${typeof raw.type === 'string' ? raw.type.slice(0, 40) : typeof raw.type}`);
  }
}

/**
 * Validates a message from a webview. Returns the typed message, or undefined when anything is
 * off (wrong type, unknown field, non-finite or out-of-range number, over-long string).
 */
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  try {
    return validate(raw);
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    throw e;
  }
}

/** Why `parseFromWebview` refuses `raw` (for the host's log); undefined when it is accepted. */
export function explainRejection(raw: unknown): string | undefined {
  try {
    validate(raw);
    return undefined;
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
}
