/**
 * Loading a bundled loss inside a worker: its exports and options, the export as a guarded loss
 * (a finite sum's examples included). What goes wrong becomes a `FailureDetail` in
 * failureDetail.ts.
 *
 * A worker loads one bundle (the scheduler gives it jobs of one loss file version only, see
 * scheduler.ts), after checking it is a private file (`privateDir.ts`). Loading marks the worker
 * as `loading` for the host's watchdog, and waits one turn of the event loop so that a promise the
 * module's top level rejects without a handler fails the load at once.
 */
import { readFileSync } from 'node:fs';
import { createRequire, findSourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';
import { adaptExample, adaptLoss } from '../engine/adapt';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../engine/finiteSum';
import type { Gradient, Loss, LossOptions, RunConfig } from '../engine/types';
import { SHARED_STATE_INDEX, WORKER_STATE, type LossRef, type ModuleInfo } from '../protocol/worker';
import { LoadError, TopLevelError } from './failureDetail';
import { describeValue, guardGradient, guardLoss, type Scratch } from './guard';
import { checkPrivateFile } from './privateDir';

const nodeRequire = createRequire(__filename);

interface Loaded {
  loss: Loss;
  grad?: Gradient;
  options?: LossOptions;
}

const modules = new Map<string, Record<string, unknown>>();
/** A rejection no one handled, seen while a module was loading. */
let loadRejection: { reason: unknown } | undefined;
let loadingNow = false;

/**
 * Called by the worker for an unhandled rejection: true when it belongs to a module being loaded
 * (the load then fails with it), false when it came later (the worker reports it as fatal).
 */
export function claimRejection(reason: unknown): boolean {
  if (!loadingNow) return false;
  loadRejection ??= { reason };
  return true;
}

async function loadModule(bundlePath: string, i32: Int32Array): Promise<Record<string, unknown>> {
  let mod = modules.get(bundlePath);
  if (mod) return mod;
  checkPrivateFile(bundlePath);
  i32[SHARED_STATE_INDEX] = WORKER_STATE.loading;
  loadingNow = true;
  loadRejection = undefined;
  try {
    try {
      mod = nodeRequire(bundlePath) as Record<string, unknown>;
    } catch (e) {
      throw new TopLevelError(e, 'threw');
    }
    // Rejections are reported once the microtasks have run: one macrotask later.
    await new Promise((r) => setImmediate(r));
    // Set by claimRejection meanwhile (TypeScript cannot see that).
    const rejected = loadRejection as { reason: unknown } | undefined;
    if (rejected) throw new TopLevelError(rejected.reason, 'rejected');
  } finally {
    loadingNow = false;
    i32[SHARED_STATE_INDEX] = WORKER_STATE.engine;
  }
  modules.set(bundlePath, mod);
  return mod;
}

/** Exports and options, JSON-safe (functions dropped, numbers checked by resolveConfig later). */
export async function inspectModule(ref: LossRef, i32: Int32Array): Promise<ModuleInfo> {
  const mod = await loadModule(ref.bundlePath, i32);
  const lineOf = sourceLines(ref);
  const functions = Object.keys(mod)
    .filter((k) => typeof mod[k] === 'function')
    .map((name) => {
      const fn = mod[name] as (...a: unknown[]) => unknown;
      const form = functionForm(fn);
      const line = lineOf(fn);
      const plain = plainParameters(fn);
      return { name, length: fn.length, ...(line !== undefined ? { line } : {}), ...(form ? { form } : {}), ...(plain ? { plain } : {}) };
    });
  const raw = mod[`${ref.exportName}Options`];
  if (raw === undefined) return { functions, hasGradient: false };
  if (typeof raw !== 'object' || raw === null) {
    throw new LoadError(`${ref.exportName}Options must be an object (see LossOptions in the README), got ${describeValue(raw)}`, 'invalid');
  }
  const { gradient, data, ...rest } = raw as LossOptions;
  if (gradient !== undefined && typeof gradient !== 'function') {
    throw new LoadError(`${ref.exportName}Options.gradient must be a function, got ${describeValue(gradient)}`, 'invalid');
  }
  // Structured-clone safe: plain data only, non-finite numbers kept (resolveConfig reports them as they are).
  const options = plainData(rest, 0, { left: 100_000 }) as ModuleInfo['options'];
  const info: ModuleInfo = { functions, options, hasGradient: typeof gradient === 'function' };
  if (typeof gradient === 'function') {
    const line = lineOf(gradient);
    if (line !== undefined) info.gradientLine = line;
  }
  if (data !== undefined) info.examples = examplesOf(ref, mod).length;
  else if ('data' in raw) info.dataUndefined = true;
  return info;
}

/** Async functions and generators (what `fn.length` and the name cannot tell from a plain function). */
function functionForm(fn: (...a: unknown[]) => unknown): 'async' | 'generator' | undefined {
  const tag = Object.prototype.toString.call(fn);
  if (tag === '[object AsyncFunction]') return 'async';
  if (tag === '[object GeneratorFunction]' || tag === '[object AsyncGeneratorFunction]') return 'generator';
  return undefined;
}

/**
 * Whether a function's parameters are plain names only — no default value, rest parameter or
 * destructuring — so that `fn.length` counts all of them (`(x, y, z = 0)` has length 2, and the
 * static discovery calls it 3-D). Read from its source text as esbuild wrote it (types stripped);
 * anything this simple reading cannot parse is not plain.
 */
function plainParameters(fn: (...a: unknown[]) => unknown): true | undefined {
  let src: string;
  try {
    src = Function.prototype.toString.call(fn);
  } catch {
    return undefined;
  }
  const m = /^(?:async\s+)?(?:function\b\s*\*?\s*[\w$]*\s*)?\(([^()]*)\)/.exec(src);
  if (!m) return undefined;
  const names = m[1].split(',').map((p) => p.trim());
  if (names.length === 1 && names[0] === '') return fn.length === 0 ? true : undefined;
  return names.length === fn.length && names.every((p) => /^[A-Za-z_$][\w$]*$/.test(p)) ? true : undefined;
}

/**
 * The 1-based line of the user's file (`ref.sourceFile`) where a function of the bundle begins: its
 * source text, found exactly once in the bundle, mapped back through the bundle's source map
 * (esbuild writes it; the worker enables source maps before loading). Undefined for a function
 * found nowhere or twice in the bundle, or written in another file (an import): messages then name
 * the file without a line. This is how `run` gets a loss's line without parsing the file.
 */
function sourceLines(ref: LossRef): (fn: unknown) => number | undefined {
  let text: string | undefined;
  const map = findSourceMap(ref.bundlePath);
  const source = pathToFileURL(ref.sourceFile).href;
  return (fn) => {
    if (!map || typeof fn !== 'function') return undefined;
    let src: string;
    try {
      src = Function.prototype.toString.call(fn);
    } catch {
      return undefined;
    }
    try {
      text ??= readFileSync(ref.bundlePath, 'utf8');
    } catch {
      return undefined;
    }
    const at = text.indexOf(src);
    if (at < 0 || text.indexOf(src, at + 1) >= 0) return undefined;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    let line = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    const entry = map.findEntry(line, at - lineStart);
    if (!entry || !('originalSource' in entry) || entry.originalSource !== source) return undefined;
    return entry.originalLine + 1;
  };
}

/** Most examples a finite-sum loss may have. */
export const MAX_EXAMPLES = 10_000_000;

const dataCache = new Map<string, readonly unknown[]>();

/**
 * `<name>Options.data`: an array of examples, or a function returning one (called once per worker
 * and module, and kept). A non-array, an empty array or more than MAX_EXAMPLES is a load error
 * naming the setting.
 */
function examplesOf(ref: LossRef, mod: Record<string, unknown>): readonly unknown[] {
  const key = `${ref.bundlePath}\u0000${ref.exportName}`;
  const hit = dataCache.get(key);
  if (hit) return hit;
  const name = `${ref.exportName}Options.data`;
  const raw = (mod[`${ref.exportName}Options`] as LossOptions).data;
  let data: unknown = raw;
  if (typeof raw === 'function') {
    try {
      data = (raw as () => unknown)();
    } catch (e) {
      throw new TopLevelError(e, 'threw');
    }
  }
  if (!Array.isArray(data)) {
    throw new LoadError(
      `${name} must be an array of examples, or a function returning one; ${typeof raw === 'function' ? 'it returned' : 'got'} ${describeValue(data)}`,
      'invalid',
    );
  }
  if (data.length === 0 || data.length > MAX_EXAMPLES) {
    throw new LoadError(`${name} must hold 1 to ${MAX_EXAMPLES} examples, got ${data.length}`, 'invalid');
  }
  dataCache.set(key, data);
  return data;
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
 * The export as a guarded Loss (and the guarded gradient), checked once at the centre of the init
 * box. The guarded functions are kept per export and shape and read the message's scratch through
 * `scratch`, so every task of a run calls the same function objects.
 */
export async function loadLoss(ref: LossRef, config: RunConfig, scratch: Scratch): Promise<Loaded> {
  const key = `${ref.bundlePath}\u0000${ref.exportName}\u0000${ref.argStyle}\u0000${config.dim}\u0000${config.fdStep}`;
  let hit = loaded.get(key);
  if (!hit) {
    hit = await adaptExport(ref, config, scratch);
    loaded.set(key, hit);
  }
  checkAtCentre(config, hit.loss);
  return hit;
}

async function adaptExport(ref: LossRef, config: RunConfig, scratch: Scratch): Promise<Loaded> {
  const mod = await loadModule(ref.bundlePath, scratch.i32);
  const fn = mod[ref.exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new LoadError(
      `${ref.sourceFile} has no exported function "${ref.exportName}"` +
        (names.length ? ` (exported functions: ${names.join(', ')})` : ' (it exports no functions)'),
    );
  }
  const options = mod[`${ref.exportName}Options`] as LossOptions | undefined;
  if (options?.data !== undefined) return adaptFiniteSum(ref, config, scratch, mod, fn as (...a: unknown[]) => unknown, options);
  const loss = guardLoss(adaptLoss(fn as (...a: unknown[]) => unknown, ref.argStyle, config.dim), scratch);
  const g = options?.gradient;
  const grad =
    typeof g === 'function'
      ? guardGradient(adaptLoss(g, ref.argStyle, config.dim) as unknown as (x: Float64Array) => unknown, config.dim, scratch)
      : undefined;
  return { loss, grad, options };
}

/**
 * A finite-sum export ℓ(w, e) with `<name>Options.data`: f = the mean over the examples, its
 * gradient the mean of the per-example gradients (`<name>Options.gradient(w, e)`, else central
 * differences per example). Each call of ℓ or its gradient is guarded like a loss call.
 */
function adaptFiniteSum(
  ref: LossRef,
  config: RunConfig,
  scratch: Scratch,
  mod: Record<string, unknown>,
  fn: (...a: unknown[]) => unknown,
  options: LossOptions,
): Loaded {
  const data = examplesOf(ref, mod);
  let current: unknown;
  const example = adaptExample(fn, ref.argStyle, config.dim);
  const lossAt = guardLoss((w) => example(w, current) as number, scratch);
  const fs: FiniteSum = {
    n: data.length,
    example: (w, i) => {
      current = data[i];
      return lossAt(w);
    },
  };
  const g = options.gradient;
  if (typeof g === 'function') {
    const exampleGrad = adaptExample(g, ref.argStyle, config.dim);
    const gradAt = guardGradient((w) => exampleGrad(w, current), config.dim, scratch);
    fs.exampleGradient = (w, i, out) => {
      current = data[i];
      gradAt(w, out);
    };
  }
  return { loss: finiteSumLoss(fs), grad: finiteSumGradient(fs, config.fdStep), options };
}

/** Calls the loss once at the centre of the init box: a throw or a non-number is reported before any trial runs. */
function checkAtCentre(config: RunConfig, loss: Loss): void {
  const centre = new Float64Array(config.dim);
  for (let i = 0; i < config.dim; i++) centre[i] = (config.init.low[i] + config.init.high[i]) / 2;
  loss(centre);
}
