/**
 * Loading a bundled loss inside a worker, and turning whatever it throws into a `FailureDetail`
 * that names the function, the user's file and line, and the input.
 */
import { createRequire } from 'node:module';
import { adaptGradient, adaptLoss, describe } from '../engine/adapt';
import { CancelledError, LossError } from '../engine/sgd';
import type { Gradient, Loss, LossOptions, RunConfig } from '../engine/types';
import type { FailureDetail, LossRef, ModuleInfo } from '../protocol/worker';

const nodeRequire = createRequire(__filename);

interface Loaded {
  loss: Loss;
  grad?: Gradient;
  options?: LossOptions;
}

const cache = new Map<string, Record<string, unknown>>();

/** Thrown for problems with the module itself (missing export, wrong return type). */
class LoadError extends Error {
  constructor(
    message: string,
    readonly kind: 'load' | 'invalid' = 'load',
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

function loadModule(bundlePath: string): Record<string, unknown> {
  let mod = cache.get(bundlePath);
  if (!mod) {
    try {
      mod = nodeRequire(bundlePath) as Record<string, unknown>;
    } catch (e) {
      // A throw at the top level of the user's module.
      throw new LossError(e, []);
    }
    cache.set(bundlePath, mod);
  }
  return mod;
}

/** Exports and options, JSON-safe (functions dropped, numbers checked by resolveConfig later). */
export function inspectModule(ref: LossRef): ModuleInfo {
  const mod = loadModule(ref.bundlePath);
  const functions = Object.keys(mod)
    .filter((k) => typeof mod[k] === 'function')
    .map((name) => ({ name, length: (mod[name] as (...a: unknown[]) => unknown).length }));
  const raw = mod[`${ref.exportName}Options`];
  if (raw === undefined) return { functions, hasGradient: false };
  if (typeof raw !== 'object' || raw === null) {
    throw new LoadError(`${ref.exportName}Options must be an object (see LossOptions in the README), got ${describe(raw)}`, 'invalid');
  }
  const { gradient, ...rest } = raw as LossOptions;
  if (gradient !== undefined && typeof gradient !== 'function') {
    throw new LoadError(`${ref.exportName}Options.gradient must be a function, got ${describe(gradient)}`, 'invalid');
  }
  // Structured-clone safe: plain data only, non-finite numbers kept (resolveConfig reports them as they are).
  const options = plainData(rest, 0, { left: 100_000 }) as ModuleInfo['options'];
  return { functions, options, hasGradient: typeof gradient === 'function' };
}

/**
 * A copy of `v` made of numbers (NaN and ±Infinity included), strings, booleans, null, arrays and
 * plain objects; functions and symbols are dropped. Bounded: deeper than 16 levels (or a cycle)
 * or beyond `budget` values, a part is replaced by a string that says so, which validation then
 * reports as a bad value.
 */
function plainData(v: unknown, depth: number, budget: { left: number }): unknown {
  if (--budget.left < 0) return '[too large to read]';
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v !== 'object') return undefined;
  if (depth >= 16) return '[nested too deep to read]';
  if (Array.isArray(v)) {
    const arr: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      if (budget.left <= 0) {
        arr.push('[too large to read]');
        break;
      }
      arr.push(plainData(v[i], depth + 1, budget) ?? null);
    }
    return arr;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (budget.left <= 0) break;
    const x = plainData((v as Record<string, unknown>)[k], depth + 1, budget);
    // defineProperty: a key named "__proto__" stays an own key (and is then refused by name).
    if (x !== undefined) Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const loaded = new Map<string, Loaded>();

/**
 * The export as a Loss, checked once at the centre of the init box. The adapted loss is kept per
 * export and shape, so every task of a run (and later runs) calls the same function object and
 * V8's optimized code for the SGD kernels stays valid from one trial chunk to the next.
 */
export function loadLoss(ref: LossRef, config: RunConfig): Loaded {
  const key = `${ref.bundlePath}\u0000${ref.exportName}\u0000${ref.argStyle}\u0000${config.dim}`;
  const hit = loaded.get(key);
  if (hit) {
    checkAtCentre(ref, config, hit.loss);
    return hit;
  }
  const fresh = adaptExport(ref, config);
  checkAtCentre(ref, config, fresh.loss);
  loaded.set(key, fresh);
  return fresh;
}

function adaptExport(ref: LossRef, config: RunConfig): Loaded {
  const mod = loadModule(ref.bundlePath);
  const fn = mod[ref.exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new LoadError(
      `${ref.sourceFile} has no exported function "${ref.exportName}"` +
        (names.length ? ` (exported functions: ${names.join(', ')})` : ' (it exports no functions)'),
    );
  }
  const options = mod[`${ref.exportName}Options`] as LossOptions | undefined;
  const loss = adaptLoss(fn as (...a: unknown[]) => unknown, ref.argStyle, config.dim);
  const grad = typeof options?.gradient === 'function' ? adaptGradient(options.gradient, ref.argStyle, config.dim) : undefined;
  return { loss, grad, options };
}

/** Calls the loss once at the centre of the init box: a throw or a non-number is reported before any trial runs. */
function checkAtCentre(ref: LossRef, config: RunConfig, loss: Loss): void {
  const centre = new Float64Array(config.dim);
  for (let i = 0; i < config.dim; i++) centre[i] = (config.init.low[i] + config.init.high[i]) / 2;
  let v: unknown;
  try {
    v = (loss as (x: Float64Array) => unknown)(centre);
  } catch (e) {
    throw new LossError(e, Array.from(centre));
  }
  if (typeof v !== 'number') {
    throw new LoadError(
      `${ref.exportName} must return a number; at x = [${Array.from(centre).join(', ')}] it returned ${describe(v)}`,
      'invalid',
    );
  }
}

/** First stack frame in a file other than our own bundles: the user's source after mapping. */
function userFrame(stack: string | undefined, ref: LossRef): { file: string; line: number; column: number } | undefined {
  if (!stack) return undefined;
  const frames = stack.split('\n').slice(1);
  const parsed = frames
    .map((l) => /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?\s*$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ file: m[1], line: Number(m[2]), column: Number(m[3]) }));
  const own = (f: string) =>
    /[\\/]dist[\\/](worker|cli|extension)\.js$/.test(f) ||
    f.includes('/src/runner/') ||
    f.includes('/src/engine/') ||
    f.startsWith('node:');
  return parsed.find((p) => p.file === ref.sourceFile) ?? parsed.find((p) => !own(p.file) && p.file !== ref.bundlePath);
}

export function toFailureDetail(e: unknown, ref: LossRef): FailureDetail {
  if (e instanceof CancelledError) {
    return { kind: 'cancelled', message: 'cancelled', exportName: ref.exportName };
  }
  if (e instanceof LoadError) return { kind: e.kind, message: e.message, exportName: ref.exportName, file: ref.sourceFile };
  if (e instanceof LossError) {
    const inner = e.inner;
    const stack = inner instanceof Error ? inner.stack : undefined;
    const frame = userFrame(stack, ref);
    const where = frame ? `${frame.file}:${frame.line}` : ref.sourceFile;
    const input = e.input.length ? ` at x = [${e.input.map((v) => +v.toPrecision(6)).join(', ')}]` : ' while loading the module';
    return {
      kind: 'throw',
      message: `${ref.exportName} threw${input}: ${e.message} (${where})`,
      exportName: ref.exportName,
      file: frame?.file ?? ref.sourceFile,
      line: frame?.line,
      column: frame?.column,
      stack,
      input: e.input.length ? e.input : undefined,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'engine', message: `internal error: ${err.message}`, exportName: ref.exportName, stack: err.stack };
}
