/**
 * One experiment from a user's file to a result, without `vscode`: bundle (esbuild, in the
 * host: it is fast and asynchronous), find the export, inspect its `<name>Options` in a worker
 * (never `require` user code on the host thread), merge settings < file defaults < overrides,
 * resolve the config, then run the trials on the worker pool. Each failure comes out as a
 * `RunProblem` that says what went wrong, in which function, at which file:line and input.
 */
import { BundleFailure, formatBundleMessage, type BundleMessage } from '../runner/bundle';
import { prepareRun as prepareFile } from '../runner/prepare';
import { discoverLosses, type DiscoveredLoss } from '../runner/discover';
import { RunFailure, type ExperimentRunner, type RunPartial, type RunProgress } from '../runner/pool';
import { ConfigError } from '../engine/config';
import { problemText } from '../engine/settingsValidate';
import type { ExperimentResult, LossOptions, RunConfig } from '../engine/types';
import type { LossRef, UserError } from '../protocol/worker';
import { SettingsError, settingsLayer, type ExtensionSettings, type RunInputLayer } from './settings';

/** What a run asks for; persisted as "the last experiment" so it can be repeated. */
export interface RunRequest {
  file: string;
  exportName: string;
  /** Explicit overrides above settings and file defaults (side panel, command variants). */
  overrides?: RunInputLayer;
  /** How the run was started, for labels and logs. */
  mode: 'run' | 'gdVsSgd' | 'landscape';
}

export type ProblemKind = UserError['kind'] | 'syntax' | 'config' | 'not-found';

/** A failed run, ready to show: `message` already names the function, file:line and input. */
export class RunProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    message: string,
    readonly where: { file?: string; line?: number; column?: number; exportName?: string; input?: number[]; stack?: string } = {},
    /** esbuild's messages for syntax errors (1-based lines), for diagnostics. */
    readonly bundleMessages: BundleMessage[] = [],
  ) {
    super(message);
    this.name = 'RunProblem';
  }
}

export interface PreparedRun {
  request: RunRequest;
  loss: LossRef;
  config: RunConfig;
  discovered: DiscoveredLoss;
  /** The file's options as loaded in a worker (JSON-able part). */
  options?: Omit<LossOptions, 'gradient'>;
  bundleMs: number;
  inspectMs: number;
  warnings: BundleMessage[];
}

/** The variant a mode applies on top of the user's overrides. */
export function modeOverrides(mode: RunRequest['mode']): RunInputLayer {
  switch (mode) {
    case 'gdVsSgd':
      return { compareGd: true };
    case 'landscape':
      // The landscape and c-map are the point; a few trials are enough to mark where SGD goes.
      return { trials: 10, sampleTrajectories: 10, compareGd: false };
    default:
      return {};
  }
}

/**
 * Bundles, inspects and resolves one run through the runner's `prepareRun`, the same path as
 * the CLI: the settings are the lowest layer (`settingsLayer`), then the file's `<name>Options`,
 * then the request's overrides and its mode's variant. Every failure comes out as a RunProblem.
 */
export async function prepareRun(args: {
  request: RunRequest;
  sourceText: string;
  settings: ExtensionSettings;
  runner: ExperimentRunner;
  bundleDir?: string;
  signal?: AbortSignal;
}): Promise<PreparedRun> {
  const { request, sourceText, settings, runner } = args;
  const losses = discoverLosses(sourceText, request.file);
  const discovered = losses.find((l) => l.name === request.exportName);
  if (!discovered) {
    const names = losses.map((l) => l.name);
    throw new RunProblem(
      'not-found',
      `${request.file} has no exported loss "${request.exportName}"` +
        (names.length ? ` (losses found: ${names.join(', ')})` : ' (no exported function of number or number[] parameters found)'),
      { file: request.file, exportName: request.exportName },
    );
  }
  const input: RunInputLayer = { ...(request.overrides ?? {}), ...modeOverrides(request.mode), function: request.exportName };
  let prepared: Awaited<ReturnType<typeof prepareFile>>;
  try {
    prepared = await prepareFile(runner, request.file, input, {
      base: settingsLayer(settings),
      sourceText,
      bundleDir: args.bundleDir,
      signal: args.signal,
    });
  } catch (e) {
    if (e instanceof BundleFailure) {
      const first = e.messages[0];
      const more = e.messages.length > 1 ? ` (+${e.messages.length - 1} more)` : '';
      throw new RunProblem(
        'syntax',
        `Cannot build ${request.exportName}: ${first ? formatBundleMessage(first) : e.message}${more}`,
        { file: first?.file, line: first?.line, column: first?.column, exportName: request.exportName },
        e.messages,
      );
    }
    if (e instanceof ConfigError && e.setting === 'function' && e.problems.length === 1)
      throw new RunProblem('not-found', e.message.replace(/^function: /, ''), { file: request.file, exportName: request.exportName });
    throw toProblem(e, request);
  }
  const { loss, config, info, warnings, bundleMs, inspectMs } = prepared;
  return { request, loss, config, discovered, options: info.options, bundleMs, inspectMs, warnings };
}

export async function runPrepared(
  runner: ExperimentRunner,
  prepared: PreparedRun,
  opts: { onProgress?(p: RunProgress): void; onPartial?(p: RunPartial): void; signal?: AbortSignal } = {},
): Promise<ExperimentResult> {
  try {
    return await runner.run(prepared.loss, prepared.config, {
      onProgress: opts.onProgress,
      onPartial: opts.onPartial,
      signal: opts.signal,
      source: { file: prepared.request.file, exportName: prepared.request.exportName },
    });
  } catch (e) {
    const problem = toProblem(e, prepared.request);
    // A hung or memory-hungry call has no stack: point at the function's declaration instead.
    if (problem.where.line === undefined && (problem.kind === 'timeout' || problem.kind === 'memory')) {
      const line = prepared.discovered.line + 1;
      const file = prepared.request.file;
      const message = problem.message.replace(` (${file})`, '') + ` (${file}:${line})`;
      throw new RunProblem(problem.kind, message, { ...problem.where, file, line }, problem.bundleMessages);
    }
    throw problem;
  }
}

/** Any failure as a RunProblem whose message names the function, file:line and input. */
export function toProblem(e: unknown, request: Pick<RunRequest, 'file' | 'exportName'>): RunProblem {
  if (e instanceof RunProblem) return e;
  if (e instanceof RunFailure) {
    const d = e.detail;
    const file = d.file ?? request.file;
    let message = d.message;
    if (d.line !== undefined && !message.includes(`${file}:${d.line}`) && !message.includes(`:${d.line}`))
      message += ` (${file}:${d.line})`;
    else if (d.line === undefined && d.kind !== 'cancelled' && !message.includes(file)) message += ` (${file})`;
    return new RunProblem(d.kind, message, {
      file,
      line: d.line,
      column: d.column,
      exportName: d.exportName ?? request.exportName,
      input: d.input,
      stack: d.stack,
    });
  }
  if (e instanceof ConfigError) {
    // One line for a notification: every bad setting, each under the name it was written by.
    const lines = e.problems.map(problemText).concat(e.more > 0 ? [`and ${e.more} more`] : []);
    const what = lines.length === 1 ? 'bad setting' : `${lines.length} bad settings:`;
    const message = `${request.exportName}: ${what} ${lines.join('; ')}`;
    // A bad editor setting is not in the loss file.
    if (e instanceof SettingsError) return new RunProblem('config', message, { exportName: request.exportName });
    return new RunProblem('config', message, { file: request.file, exportName: request.exportName });
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return new RunProblem('engine', `internal error while running ${request.exportName}: ${err.message}`, {
    file: request.file,
    exportName: request.exportName,
  });
}
