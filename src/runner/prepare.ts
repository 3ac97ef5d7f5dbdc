/**
 * From a loss file and a run input to a validated RunConfig and a LossRef a worker can load:
 * discover the exports statically, bundle with esbuild, read `<name>Options` in a worker, then
 * merge settings < file < input and validate (`resolveConfig`). The one preparation path of
 * both the CLI and the extension (src/extension/runSession.ts wraps it), so the same layers
 * resolve to the same config everywhere.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, defaultDomain, resolveWithSources, type DefaultDomainBasis, type ResolveContext } from '../engine/config';
import { suggestSettings, type CurvatureProfile, type SuggestedField, type Suggestion } from '../engine/suggest';
import { successRadiusOf } from '../engine/diagnostics';
import { resultBudgetProblem } from '../engine/resultBudget';
import { Problems, checkRunInput } from '../engine/settingsValidate';
import { domainSearchBox } from '../engine/targets';
import type { RunConfig, RunConfigInput } from '../engine/types';
import type { ArgStyle, LossRef, ModuleInfo } from '../protocol/worker';
import { bundleLossFile, type BundleMessage } from './bundle';
import { discoverLosses, staticExportLines, type DiscoveredLoss } from './discover';
import type { ExperimentRunner } from './pool';
import { RunFailure, isCancellation } from './failure';

export interface PreparedRun {
  loss: LossRef;
  config: RunConfig;
  info: ModuleInfo;
  discovered?: DiscoveredLoss;
  warnings: BundleMessage[];
  bundleMs: number;
  inspectMs: number;
  /** Values derived from f for the fields no layer set (engine/suggest.ts); `fields` are those the run uses. */
  suggestion?: Suggestion & { fields: SuggestedField[] };
}

export interface PrepareOptions {
  bundleDir?: string;
  /** The file's text if the caller has it (an unsaved editor); read from disk otherwise. */
  sourceText?: string;
  signal?: AbortSignal;
  /** The editor's settings as a run input: the lowest layer; the file's `<name>Options` override it. */
  base?: RunConfigInput;
  /**
   * A sweep's base run: its cells keep no per-trial data, so the result's size budget
   * (resultBudget.ts) is not checked here.
   */
  sweep?: boolean;
  /**
   * false: leave the table's defaults where no layer sets lr, radius or steps (no curvature is
   * sampled). Default: true for runs, false for sweeps (a sweep's cells must equal the runs of
   * their settings, whose suggested steps would follow each cell's η).
   */
  suggest?: boolean;
  /** Called as a step that runs the loss begins: 'sampling curvature' (for a status line). */
  onPhase?(phase: string): void;
}

/** Curvature profiles of recent (bundle, export, domain, seed): re-runs of an unchanged file sample f once. */
const profiles = new Map<string, CurvatureProfile>();
const MAX_PROFILES = 32;

/** f's curvature over the run's domain, sampled in a worker (the user's code never runs on this thread). */
async function curvatureOf(runner: ExperimentRunner, loss: LossRef, config: RunConfig, signal?: AbortSignal): Promise<CurvatureProfile> {
  const key = JSON.stringify([loss.bundlePath, loss.exportName, loss.argStyle, config.domain, config.seed]);
  const known = profiles.get(key);
  if (known) return known;
  const profile = await runner.batch(loss, signal, (submit) => submit(config, { kind: 'curvature', args: {} }).result, {
    quiet: true,
    beforeRun: true,
  });
  profiles.set(key, profile);
  if (profiles.size > MAX_PROFILES) profiles.delete(profiles.keys().next().value!);
  return profile;
}

/**
 * The profile, or undefined when sampling f failed in a way the run itself meets and reports with
 * more context (a throw or a non-number somewhere on the domain: the run names the landscape
 * point): the run then keeps the table's defaults. A stall or running out of memory (either would
 * cost its limit twice) and a cancel are passed on.
 */
async function bestEffort(p: Promise<CurvatureProfile>): Promise<CurvatureProfile | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof RunFailure && ['timeout', 'memory', 'cancelled'].includes(e.detail.kind)) throw e;
    if (e instanceof RunFailure) return undefined;
    throw e;
  }
}

/** The loss file cannot be read (missing, a directory, unreadable): a user error, not a crash. */
export class LossFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'LossFileError';
  }
}

/** Reads a loss file, saying in one line why it cannot be. */
export async function readLossFile(file: string): Promise<string> {
  const abs = resolve(file);
  let isDir = false;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LossFileError(abs, `${abs}: no such file`);
    throw new LossFileError(abs, `${abs}: cannot read it (${code ?? (e as Error).message})`);
  }
  if (isDir) throw new LossFileError(abs, `${abs} is a directory; give a .ts file that exports a loss function`);
  try {
    return await readFile(abs, 'utf8');
  } catch (e) {
    throw new LossFileError(abs, `${abs}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Picks the export to run: the input's `function`, else the file's only loss. */
export function chooseExport(losses: readonly DiscoveredLoss[], requested: string | undefined, file: string): string {
  if (requested) return requested;
  if (losses.length === 1) return losses[0].name;
  if (losses.length === 0)
    throw new ConfigError('function', `${file} exports no loss functions (a function of numbers or of one number[])`);
  throw new ConfigError('function', `${file} exports several losses; choose one of: ${losses.map((l) => l.name).join(', ')}`);
}

export interface BundledLoss {
  bundlePath: string;
  warnings: BundleMessage[];
  /** What a worker found in the module: exports and `<name>Options`. */
  info: ModuleInfo;
  bundleMs: number;
  inspectMs: number;
}

/**
 * The exports that may be losses as a worker sees them: functions of at least one parameter, not
 * async, not generators, not `<name>Options`. The static discovery (discover.ts) keeps only those
 * whose parameters are typed as numbers, so its losses are among these.
 */
function runtimeLosses(info: ModuleInfo): ModuleInfo['functions'] {
  return info.functions.filter((f) => f.length > 0 && !f.form && !f.name.endsWith('Options'));
}

/**
 * Whether the export as loaded settles the run without the static discovery: a plain function of
 * k ≥ 2 numbers (besides a finite sum's example), which the discovery could only call k scalars
 * (or no loss, when the run takes it as k numbers all the same), with its line — and its
 * gradient's — known from the bundle, and its parameters plain names (a default value, a rest
 * parameter or destructuring leaves `fn.length` short of what the discovery counts). One parameter may be a number or an array, which only its
 * type annotation tells; a `data` key that is undefined at run time gets the discovery's message.
 */
function runtimeDecides(fn: ModuleInfo['functions'][number], info: ModuleInfo): boolean {
  const pointParams = fn.length - (info.examples !== undefined ? 1 : 0);
  return (
    pointParams >= 2 &&
    !fn.form &&
    fn.plain === true &&
    fn.line !== undefined &&
    !info.dataUndefined &&
    (!info.hasGradient || info.gradientLine !== undefined)
  );
}

/**
 * Bundle the file (the given text, else the file on disk) and inspect it in a worker (`exportName`
 * '': the exports only, no options). Throws
 * BundleFailure (syntax), RunFailure (the module throws or hangs while loading) or
 * ConfigError on `function` when the export is missing once bundled.
 */
export async function bundleAndInspect(
  runner: ExperimentRunner,
  file: string,
  exportName: string,
  opts: Pick<PrepareOptions, 'bundleDir' | 'sourceText' | 'signal'> & { bundled?: ReturnType<typeof bundleLossFile> } = {},
): Promise<BundledLoss> {
  const t0 = Date.now();
  const { bundlePath, warnings } = await (opts.bundled ?? bundleLossFile(file, { outDir: opts.bundleDir, contents: opts.sourceText }));
  const t1 = Date.now();
  // dim is not known yet; inspect only loads the module and reads its exports.
  const info = await runner.inspect({ bundlePath, exportName, argStyle: 'scalars', dim: 1, sourceFile: file }, opts.signal);
  if (exportName !== '' && !info.functions.some((f) => f.name === exportName)) {
    const names = info.functions.map((f) => f.name);
    throw new ConfigError(
      'function',
      `${file} has no exported function "${exportName}" once bundled${names.length ? `; exported functions: ${names.join(', ')}` : ''}`,
    );
  }
  return { bundlePath, warnings, info, bundleMs: t1 - t0, inspectMs: Date.now() - t1 };
}

/**
 * Where a path of `<name>Options` was written: the line of the value, else of its nearest
 * enclosing object, else of the export (static; undefined for other paths).
 */
export function optionsLocator(text: string, file: string, exportName: string): (path: string) => string | undefined {
  const root = `${exportName}Options`;
  let lines: Map<string, number> | undefined;
  return (path) => {
    if (path !== root && !path.startsWith(`${root}.`)) return undefined;
    lines ??= staticExportLines(text, file, root);
    for (let p = path; p.length >= root.length; p = p.replace(/(\.[^.[]*|\[\d+\])$/, '')) {
      const line = lines.get(p);
      if (line !== undefined) return `${file}:${line + 1}`;
      if (p === root) break;
    }
    return file;
  };
}

/**
 * The run of `input` (RUN.json, or the extension's overrides) on `file`, with `opts.base` (the
 * editor's settings) below the file's `<name>Options` below the input.
 */
export async function prepareRun(runner: ExperimentRunner, file: string, input: unknown, opts: PrepareOptions = {}): Promise<PreparedRun> {
  // Without an object, or with a bad `function`, there is nothing to load: report the input's problems now.
  const early = new Problems();
  const checked = checkRunInput(early, input, (k) => k, 'the run settings');
  if (checked.bad.has('*') || checked.bad.has('function')) throw ConfigError.from(early);
  const raw = input as RunConfigInput;
  const abs = resolve(file);
  const text = opts.sourceText ?? (await readLossFile(abs));
  const bundled = bundleLossFile(abs, { outDir: opts.bundleDir, contents: text });
  bundled.catch(() => undefined);
  const inspect = (name: string) => bundleAndInspect(runner, abs, name, { ...opts, sourceText: text, bundled });
  // The file's exports as a worker loads them decide the run when they can (no TypeScript compiler
  // on this thread, which costs ~0.4 s to load); the static discovery decides the rest.
  let static_: DiscoveredLoss[] | undefined;
  const staticLosses = () => (static_ ??= discoverLosses(text, abs));
  const exportOf = (b: BundledLoss, name: string) => b.info.functions.find((f) => f.name === name)!;
  let exportName = raw.function;
  let inspected: BundledLoss | undefined;
  if (exportName === undefined) {
    // The only candidate export, when the loaded module settles it; else the static discovery's
    // choice (and its messages: no loss, several losses).
    const candidates = runtimeLosses((await inspect('')).info);
    if (candidates.length === 1) {
      const only = await inspect(candidates[0].name);
      if (runtimeDecides(exportOf(only, candidates[0].name), only.info)) [exportName, inspected] = [candidates[0].name, only];
    }
    exportName ??= chooseExport(staticLosses(), undefined, abs);
  }
  inspected ??= await inspect(exportName);
  const { bundlePath, info, warnings, bundleMs, inspectMs } = inspected;
  const runtime = exportOf(inspected, exportName);
  const finiteSum = info.examples !== undefined;
  // The point's parameters: all of them, or all but the trailing example of a finite sum.
  const pointParams = Math.max(1, runtime.length - (finiteSum ? 1 : 0));

  let argStyle: ArgStyle;
  let fixedDim: number | undefined;
  let discovered: DiscoveredLoss | undefined;
  let line: number | undefined;
  let gradientLine: number | undefined;
  if (runtimeDecides(runtime, info)) {
    // k ≥ 2 numbers: the static discovery would say k scalars too (or not call it a loss, and then
    // the same rule below applies); the lines come from the bundle's source map.
    argStyle = 'scalars';
    fixedDim = pointParams;
    line = runtime.line;
    gradientLine = info.gradientLine;
  } else {
    // One parameter (a number or an array? only its type says), or a line the bundle cannot give.
    discovered = staticLosses().find((l) => l.name === exportName);
    if (discovered?.examples && !finiteSum) {
      throw new ConfigError(
        `${exportName}Options.data`,
        `${exportName}Options.data is undefined when ${abs} runs, so ${exportName}'s last parameter (${discovered.examples.param}) gets no example; give the examples (an array, or a function returning one)`,
      );
    }
    if (discovered && (discovered.examples !== undefined) === finiteSum) {
      argStyle = discovered.argStyle;
      if (argStyle === 'scalars') fixedDim = discovered.dim ?? pointParams;
    } else {
      // Not statically visible (e.g. re-exported, or options built at run time): k ≥ 2 declared
      // parameters means k numbers; one parameter is a number unless a dimension above 1 is asked for.
      const dims = [raw.dim, info.options?.defaults?.dim, info.options?.dim];
      const wantsArray = ((dims.find((d) => typeof d === 'number') as number | undefined) ?? 1) > 1 && pointParams <= 1;
      argStyle = wantsArray ? 'array' : 'scalars';
      if (argStyle === 'scalars') fixedDim = pointParams;
    }
    line = discovered ? discovered.line + 1 : undefined;
    // Lines for failures without a stack (a hung call, memory, a gradient of the wrong shape).
    const gradientAt =
      info.options !== undefined ? staticExportLines(text, abs, `${exportName}Options`).get(`${exportName}Options.gradient`) : undefined;
    gradientLine = gradientAt !== undefined ? gradientAt + 1 : undefined;
  }
  const runInput = { ...raw, function: exportName };
  const ctx: ResolveContext = {
    dim: fixedDim,
    options: info.options,
    examples: info.examples ?? null,
    base: opts.base,
    locate: optionsLocator(text, abs, exportName),
  };
  // A result too large to keep is refused before the trials, not found when memory runs out at the end.
  const budget = opts.sweep ? undefined : resultBudgetProblem;
  const first = resolveWithSources(runInput, ctx);
  // Its size depends on steps and the noise radii, not on lr: when no suggestion can change them it
  // is checked now, before any of the user's code runs; else on the final settings below.
  const sizeKnown = !first.unset.includes('steps') && !first.unset.includes('radius');
  if (budget && sizeKnown) resolveWithSources(runInput, { ...ctx, limit: budget });
  let config = first.config;
  const basis = first.defaultDomain;
  const loss: LossRef = { bundlePath, exportName, argStyle, dim: config.dim, sourceFile: abs, line, gradientLine };
  if (basis) await widenDomain(runner, loss, config, basis, opts.signal);
  // Defaults that fit f: lr, radius and steps that no layer sets are derived from its curvature (on the final domain).
  let suggestion: PreparedRun['suggestion'];
  const sample = (opts.suggest ?? !opts.sweep) && first.unset.length > 0;
  if (sample) opts.onPhase?.('sampling curvature');
  const profile = sample ? await bestEffort(curvatureOf(runner, loss, config, opts.signal)) : undefined;
  if (profile) {
    const userLr = first.unset.includes('lr') ? undefined : config.stages[0].lr;
    // The radius is capped so its spread at the minimum stays inside the run's success radius (from the domain or the setting).
    const context = { noise: config.stages[0].noise, successRadius: successRadiusOf(config, []).radius };
    const s = suggestSettings(profile, config.domain, first.unset, userLr, context);
    const values: Partial<Record<SuggestedField, number>> = {};
    for (const k of first.unset) if (s[k] !== undefined) values[k] = s[k];
    const second = resolveWithSources(runInput, { ...ctx, suggested: values, limit: sizeKnown ? undefined : budget });
    // The same domain (widened above, not again).
    second.config.domain = config.domain;
    config = second.config;
    suggestion = { ...s, fields: second.suggested };
  } else if (budget && !sizeKnown) {
    resolveWithSources(runInput, { ...ctx, limit: budget });
  }
  return {
    loss,
    config,
    info,
    discovered,
    warnings,
    bundleMs,
    inspectMs,
    ...(suggestion ? { suggestion } : {}),
  };
}

/** A loss call of the default domain's search that takes longer than this ends the search (the run then starts as it would have). */
const SEARCH_STALL_MS = 2000;

/**
 * The default domain (no layer declares `domain`) grown to hold the global minima of f found up to
 * DOMAIN_SEARCH of the start boxes' width beyond them (`minimaForDomain`, in a worker), each with
 * the margin declared points get (`defaultDomain`), so that the targets a run finds lie inside it.
 * Only when success is measured against found minima (no declared targets or x*) and the landscape
 * is a grid (d ≤ 2). The search is best effort: a loss that fails there (throws, runs out of
 * memory, a call hangs for SEARCH_STALL_MS) leaves the domain as it was, and the run meets the
 * failure where it would have; only Stop ends it. What the loss prints meanwhile is not passed on
 * (the run prints it again).
 */
async function widenDomain(
  runner: ExperimentRunner,
  loss: LossRef,
  config: RunConfig,
  basis: DefaultDomainBasis,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (config.dim > 2 || basis.points.length > 0) return;
  const box = domainSearchBox(basis.boxes);
  let found: number[][];
  try {
    found = await runner.batch(
      loss,
      signal,
      (submit) => submit(config, { kind: 'domainMinima', args: { box } }, { stallMs: SEARCH_STALL_MS }).result,
      { quiet: true, beforeRun: true },
    );
  } catch (e) {
    if (signal?.aborted || isCancellation(e)) throw e;
    return;
  }
  config.domain = defaultDomain(basis.boxes, found);
}
