/**
 * From a loss file and a RUN.json-like input to a validated RunConfig and a LossRef a worker
 * can load: discover the exports statically, bundle with esbuild, read `<name>Options` in a
 * worker, then apply defaults. Shared by the CLI and the extension host.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, resolveConfig } from '../engine/config';
import type { RunConfig, RunConfigInput } from '../engine/types';
import type { ArgStyle, LossRef, ModuleInfo } from '../protocol/worker';
import { bundleLossFile, type BundleMessage } from './bundle';
import { discoverLosses, type DiscoveredLoss } from './discover';
import type { ExperimentRunner } from './pool';

export interface PreparedRun {
  loss: LossRef;
  config: RunConfig;
  info: ModuleInfo;
  discovered?: DiscoveredLoss;
}

export interface PrepareOptions {
  bundleDir?: string;
  /** The file's text if the caller has it (an unsaved editor); read from disk otherwise. */
  sourceText?: string;
  signal?: AbortSignal;
  /** Lowest-precedence settings (the editor's); the file's exported defaults override them. */
  base?: RunConfigInput;
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

export async function prepareRun(
  runner: ExperimentRunner,
  file: string,
  input: RunConfigInput,
  opts: PrepareOptions = {},
): Promise<PreparedRun> {
  const abs = resolve(file);
  const text = opts.sourceText ?? (await readFile(abs, 'utf8'));
  const losses = discoverLosses(text, abs);
  const exportName = chooseExport(losses, input.function, abs);
  const discovered = losses.find((l) => l.name === exportName);
  const { bundlePath, info } = await bundleAndInspect(runner, abs, exportName, { ...opts, sourceText: text });
  const runtime = info.functions.find((f) => f.name === exportName)!;

  let argStyle: ArgStyle;
  let fixedDim: number | undefined;
  if (discovered) {
    argStyle = discovered.argStyle;
    if (argStyle === 'scalars') fixedDim = discovered.dim ?? runtime.length;
  } else {
    // Not statically visible (e.g. re-exported): k ≥ 2 declared parameters means k numbers;
    // one parameter is a number unless a dimension above 1 is asked for.
    const wantsArray = (input.dim ?? info.options?.dim ?? 1) > 1 && runtime.length <= 1;
    argStyle = wantsArray ? 'array' : 'scalars';
    if (argStyle === 'scalars') fixedDim = Math.max(1, runtime.length);
  }
  const config = resolveConfig({ ...input, function: exportName }, { dim: fixedDim, options: info.options, base: opts.base });
  return {
    loss: { bundlePath, exportName, argStyle, dim: config.dim, sourceFile: abs },
    config,
    info,
    discovered,
  };
}
