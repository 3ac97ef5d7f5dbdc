/**
 * One experiment from a user's file to a result, without `vscode`: bundle (esbuild, in the
 * host: it is fast and asynchronous), find the export, inspect its `<name>Options` in a worker
 * (never `require` user code on the host thread), merge settings < file defaults < overrides,
 * resolve the config, then run the trials on the worker pool. Each failure comes out as a
 * `RunFailure` whose message says what went wrong, in which function, at which file:line and input.
 * `PoolExecutor` is the run service's runner (`ports.ts`) over these steps and one worker pool.
 */
import { createHash } from 'node:crypto';
import { BundleFailure, formatBundleMessage, type BundleMessage } from '../runner/bundle';
import { prepareRun as prepareFile } from '../runner/prepare';
import type { SuggestedField, Suggestion } from '../engine/suggest';
import { discoverLosses, type DiscoveredLoss } from '../runner/discover';
import { ExperimentRunner, type RunPartial, type RunProgress } from '../runner/pool';
import { RunFailure } from '../runner/failure';
import { ConfigError } from '../engine/config';
import { problemText } from '../engine/settingsValidate';
import type { ExperimentResult, LossOptions, RunConfig } from '../engine/types';
import type { LossRef } from '../protocol/worker';
import { resolveSweep, type SweepGrid } from '../engine/sweep';
import { runSweep } from '../runner/sweep';
import type { PreparedExperiment, PreparedSweep, RunExecutor, SweepExecutor } from './ports';
import { runnerLimits, SettingsError, settingsLayer, type ExtensionSettings, type RunInputLayer } from './settings';

/** What a run asks for; persisted as "the last experiment" so it can be repeated. */
export interface RunRequest {
  file: string;
  exportName: string;
  /** Explicit overrides above settings and file defaults (side panel, command variants). */
  overrides?: RunInputLayer;
  /** How the run was started, for labels and logs. */
  mode: 'run' | 'gdVsSgd' | 'landscape';
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
  /** lr, radius, steps derived from the function where no layer set them (runner/prepare.ts). */
  suggestion?: Suggestion & { fields: SuggestedField[] };
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
 * then the request's overrides and its mode's variant. Every failure comes out as a RunFailure.
 */
export async function prepareRun(args: {
  request: RunRequest;
  sourceText: string;
  settings: ExtensionSettings;
  runner: ExperimentRunner;
  bundleDir?: string;
  signal?: AbortSignal;
  /** A sweep's base run: not bound by the result's size budget (its cells keep no per-trial data). */
  sweep?: boolean;
  /** See RunExecutor.prepare. */
  onPhase?(phase: string): void;
}): Promise<PreparedRun> {
  const { request, sourceText, settings, runner } = args;
  const losses = discoverLosses(sourceText, request.file);
  const discovered = losses.find((l) => l.name === request.exportName);
  if (!discovered) {
    const names = losses.map((l) => l.name);
    throw new RunFailure({
      kind: 'not-found',
      message:
        `${request.file} has no exported loss "${request.exportName}"` +
        (names.length ? ` (losses found: ${names.join(', ')})` : ' (no exported function of number or number[] parameters found)'),
      file: request.file,
      exportName: request.exportName,
    });
  }
  const input: RunInputLayer = { ...(request.overrides ?? {}), ...modeOverrides(request.mode), function: request.exportName };
  let prepared: Awaited<ReturnType<typeof prepareFile>>;
  try {
    prepared = await prepareFile(runner, request.file, input, {
      base: settingsLayer(settings),
      sourceText,
      bundleDir: args.bundleDir,
      signal: args.signal,
      sweep: args.sweep,
      onPhase: args.onPhase,
    });
  } catch (e) {
    if (e instanceof BundleFailure) {
      const first = e.messages[0];
      const more = e.messages.length > 1 ? ` (+${e.messages.length - 1} more)` : '';
      throw new RunFailure(
        {
          kind: 'syntax',
          message: `Cannot build ${request.exportName}: ${first ? formatBundleMessage(first) : e.message}${more}`,
          file: first?.file,
          line: first?.line,
          column: first?.column,
          exportName: request.exportName,
        },
        e.messages,
      );
    }
    if (e instanceof ConfigError && e.setting === 'function' && e.problems.length === 1)
      throw new RunFailure({
        kind: 'not-found',
        message: e.message.replace(/^function: /, ''),
        file: request.file,
        exportName: request.exportName,
      });
    throw toFailure(e, request);
  }
  const { loss, config, info, warnings, bundleMs, inspectMs, suggestion } = prepared;
  return {
    request,
    loss,
    config,
    discovered,
    options: info.options,
    bundleMs,
    inspectMs,
    warnings,
    ...(suggestion ? { suggestion } : {}),
  };
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
    const failure = toFailure(e, prepared.request);
    // A hung or memory-hungry call has no stack: point at the function's declaration instead.
    if (failure.detail.line === undefined && (failure.kind === 'timeout' || failure.kind === 'memory')) {
      const line = prepared.discovered.line + 1;
      const file = prepared.request.file;
      const message = failure.message.replace(` (${file})`, '') + ` (${file}:${line})`;
      throw new RunFailure({ ...failure.detail, message, file, line }, failure.bundleMessages);
    }
    throw failure;
  }
}

/**
 * Any failure as a RunFailure whose message names the function, file:line and input (a worker's
 * detail gets the file and line appended when its message lacks them).
 */
export function toFailure(e: unknown, request: Pick<RunRequest, 'file' | 'exportName'>): RunFailure {
  if (e instanceof RunFailure) {
    const d = e.detail;
    // Already shaped here (host-side kinds, or completed before), or a stop: as it is.
    if (d.kind === 'cancelled' || d.kind === 'syntax' || d.kind === 'config' || d.kind === 'not-found') return e;
    const file = d.file ?? request.file;
    let message = d.message;
    if (d.line !== undefined && !message.includes(`${file}:${d.line}`) && !message.includes(`:${d.line}`))
      message += ` (${file}:${d.line})`;
    else if (d.line === undefined && !message.includes(file)) message += ` (${file})`;
    return new RunFailure({ ...d, message, file, exportName: d.exportName ?? request.exportName }, e.bundleMessages);
  }
  if (e instanceof ConfigError) {
    // One line for a notification: every bad setting, each under the name it was written by.
    const lines = e.problems.map(problemText).concat(e.more > 0 ? [`and ${e.more} more`] : []);
    const what = lines.length === 1 ? 'bad setting' : `${lines.length} bad settings:`;
    const message = `${request.exportName}: ${what} ${lines.join('; ')}`;
    // A bad editor setting is not in the loss file.
    if (e instanceof SettingsError) return new RunFailure({ kind: 'config', message, exportName: request.exportName });
    return new RunFailure({ kind: 'config', message, file: request.file, exportName: request.exportName });
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return new RunFailure({
    kind: 'engine',
    message: `internal error while running ${request.exportName}: ${err.message}`,
    file: request.file,
    exportName: request.exportName,
  });
}

/**
 * The runner behind the run service: `prepareRun` and `runPrepared` on one worker pool. A pool
 * serves one version of one file: a different file, an edit of it, or an edit of a file it imports
 * (a different bundle) gets a new pool, as do new limits (workers, time, stall, memory). Each run
 * gets fresh workers (what a loss did to their globals, `Math.log = Math.log2`, never reaches
 * another run: scheduler.ts), started ahead while the pool is idle (`keepWarm`); runs of an
 * unchanged file share the pool's kept landscapes, so a run that changes only the seed, the trials,
 * the step sizes or the methods does not compute its landscape again.
 */
export class PoolExecutor implements RunExecutor, SweepExecutor {
  private runner?: ExperimentRunner;
  private runnerKey = '';
  /** The bundle the current pool's workers have loaded. */
  private bundlePath?: string;

  constructor(private readonly paths: { workerScript: string; bundleDir: string; onOutput?(text: string): void }) {}

  async prepare(args: {
    request: RunRequest;
    sourceText: string;
    settings: ExtensionSettings;
    signal: AbortSignal;
    onPhase?(phase: string): void;
  }): Promise<PreparedExperiment> {
    const { runner, prepared } = await this.prepareOnPool(args);
    return {
      config: prepared.config,
      bundleMs: prepared.bundleMs,
      inspectMs: prepared.inspectMs,
      ...(prepared.suggestion ? { suggestion: prepared.suggestion } : {}),
      run: (hooks) => runPrepared(runner, prepared, hooks),
    };
  }

  /** Bundles, inspects and resolves on the pool of this version of the file (a fresh pool for another file or version). */
  private async prepareOnPool(args: {
    request: RunRequest;
    sourceText: string;
    settings: ExtensionSettings;
    signal: AbortSignal;
    sweep?: boolean;
    onPhase?(phase: string): void;
  }): Promise<{ runner: ExperimentRunner; prepared: PreparedRun }> {
    const key = poolKey(args.settings, args.request.file, args.sourceText);
    let runner = this.runnerFor(args.settings, key, false);
    let prepared = await prepareRun({ ...args, runner, bundleDir: this.paths.bundleDir });
    if (runner === this.runner && this.bundlePath !== undefined && this.bundlePath !== prepared.loss.bundlePath) {
      // Same text, another bundle: an imported file changed. Inspect it again in fresh workers.
      runner = this.runnerFor(args.settings, key, true);
      prepared = await prepareRun({ ...args, runner, bundleDir: this.paths.bundleDir });
    }
    if (runner === this.runner) this.bundlePath = prepared.loss.bundlePath;
    return { runner, prepared };
  }

  /**
   * A sweep: the run's preparation (the same layers, the same pool per file version), then the
   * grid resolved over its config, run on that pool.
   */
  async prepareSweep(args: {
    request: RunRequest;
    grid: SweepGrid;
    sourceText: string;
    settings: ExtensionSettings;
    signal: AbortSignal;
  }): Promise<PreparedSweep> {
    const { runner, prepared } = await this.prepareOnPool({ ...args, sweep: true });
    let config: PreparedSweep['config'];
    try {
      config = resolveSweep(prepared.config, args.grid, 'grid');
    } catch (e) {
      throw toFailure(e, args.request);
    }
    const source = { file: args.request.file, exportName: args.request.exportName };
    return {
      config,
      bundleMs: prepared.bundleMs,
      inspectMs: prepared.inspectMs,
      run: async (hooks) => {
        try {
          return await runSweep(runner, prepared.loss, config, { ...hooks, source });
        } catch (e) {
          throw toFailure(e, args.request);
        }
      },
    };
  }

  dispose(): void {
    this.runner?.dispose();
    this.runner = undefined;
  }

  private runnerFor(settings: ExtensionSettings, key: string, fresh: boolean): ExperimentRunner {
    if (!this.runner || fresh || key !== this.runnerKey) {
      // A run still on the old pool (one just replaced) ends as cancelled.
      this.runner?.dispose();
      this.runner = new ExperimentRunner({
        workerScript: this.paths.workerScript,
        onOutput: this.paths.onOutput,
        ...runnerLimits(settings),
        keepWarm: true,
      });
      // The workers start while the file is bundled; after each run fresh ones start for the next.
      this.runner.prestart();
      this.runnerKey = key;
      this.bundlePath = undefined;
    }
    return this.runner;
  }
}

/** What a pool is for: the runner's limits and one version of one file (its text's hash). */
function poolKey(settings: ExtensionSettings, file: string, sourceText: string): string {
  const version = createHash('sha256').update(sourceText).digest('hex');
  return JSON.stringify([runnerLimits(settings), file, version]);
}
