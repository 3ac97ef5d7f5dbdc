/**
 * From a loss file and a run input to a validated RunConfig and a LossRef a worker can load:
 * discover the exports statically, bundle with esbuild, read `<name>Options` in a worker, then
 * merge settings < file < input and validate (`resolveConfig`). The one preparation path of
 * both the CLI and the extension (src/extension/runSession.ts wraps it), so the same layers
 * resolve to the same config everywhere.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, defaultDomain, resolveConfigDetail, type DefaultDomainBasis } from '../engine/config';
import { resultBudgetProblem } from '../engine/resultBudget';
import { Problems, checkRunInput } from '../engine/settingsValidate';
import { domainSearchBox } from '../engine/targets';
import type { RunConfig, RunConfigInput } from '../engine/types';
import type { ArgStyle, LossRef, ModuleInfo } from '../protocol/worker';
import { bundleLossFile, type BundleMessage } from './bundle';
import { discoverLosses, staticExportLines, type DiscoveredLoss } from './discover';
import type { ExperimentRunner } from './pool';
import { isCancellation } from './failure';

export interface PreparedRun {
  loss: LossRef;
  config: RunConfig;
  info: ModuleInfo;
  discovered?: DiscoveredLoss;
  warnings: BundleMessage[];
  bundleMs: number;
  inspectMs: number;
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
 * Bundle the file (the given text, else the file on disk) and inspect it in a worker. Throws
 * BundleFailure (syntax), RunFailure (the module throws or hangs while loading) or
 * ConfigError on `function` when the export is missing once bundled.
 */
export async function bundleAndInspect(
  runner: ExperimentRunner,
  file: string,
  exportName: string,
  opts: Pick<PrepareOptions, 'bundleDir' | 'sourceText' | 'signal'> = {},
): Promise<BundledLoss> {
  const t0 = Date.now();
  const { bundlePath, warnings } = await bundleLossFile(file, { outDir: opts.bundleDir, contents: opts.sourceText });
  const t1 = Date.now();
  // dim is not known yet; inspect only loads the module and reads its exports.
  const info = await runner.inspect({ bundlePath, exportName, argStyle: 'scalars', dim: 1, sourceFile: file }, opts.signal);
  if (!info.functions.some((f) => f.name === exportName)) {
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
  const losses = discoverLosses(text, abs);
  const exportName = chooseExport(losses, raw.function, abs);
  const discovered = losses.find((l) => l.name === exportName);
  const { bundlePath, info, warnings, bundleMs, inspectMs } = await bundleAndInspect(runner, abs, exportName, {
    ...opts,
    sourceText: text,
  });
  const runtime = info.functions.find((f) => f.name === exportName)!;
  const finiteSum = info.examples !== undefined;
  if (discovered?.examples && !finiteSum) {
    throw new ConfigError(
      `${exportName}Options.data`,
      `${exportName}Options.data is undefined when ${abs} runs, so ${exportName}'s last parameter (${discovered.examples.param}) gets no example; give the examples (an array, or a function returning one)`,
    );
  }
  // The point's parameters: all of them, or all but the trailing example of a finite sum.
  const pointParams = Math.max(1, runtime.length - (finiteSum ? 1 : 0));

  let argStyle: ArgStyle;
  let fixedDim: number | undefined;
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
  const { config, defaultDomain: basis } = resolveConfigDetail(
    { ...raw, function: exportName },
    {
      dim: fixedDim,
      options: info.options,
      examples: info.examples ?? null,
      base: opts.base,
      locate: optionsLocator(text, abs, exportName),
    },
  );
  // A result too large to keep is refused now, not found when memory runs out at the end.
  const overBudget = opts.sweep ? undefined : resultBudgetProblem(config);
  if (overBudget) throw new ConfigError(overBudget.setting, overBudget.message);
  // Lines for failures without a stack (a hung call, memory, a gradient of the wrong shape).
  const gradientAt =
    info.options !== undefined ? staticExportLines(text, abs, `${exportName}Options`).get(`${exportName}Options.gradient`) : undefined;
  const loss: LossRef = {
    bundlePath,
    exportName,
    argStyle,
    dim: config.dim,
    sourceFile: abs,
    line: discovered ? discovered.line + 1 : undefined,
    gradientLine: gradientAt !== undefined ? gradientAt + 1 : undefined,
  };
  if (basis) await widenDomain(runner, loss, config, basis, opts.signal);
  return {
    loss,
    config,
    info,
    discovered,
    warnings,
    bundleMs,
    inspectMs,
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
      { quiet: true },
    );
  } catch (e) {
    if (signal?.aborted || isCancellation(e)) throw e;
    return;
  }
  config.domain = defaultDomain(basis.boxes, found);
}
