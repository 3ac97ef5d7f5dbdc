/**
 * Host ↔ trial-worker protocol (Node `worker_threads`), used by the extension host and the CLI
 * alike through `src/runner/pool.ts`. A worker loads the user's bundled loss from
 * `loss.bundlePath` and runs one pure engine function on it per task.
 *
 * Every task kind is one line of `WorkerTasks` (its arguments → its result); the messages, the
 * worker's dispatch table and the scheduler's typed `run` all derive from it, so a new kind is one
 * line here plus its handler in `src/runner/worker.ts`.
 */
import type {
  ArgStyle,
  Box,
  Diagnostics,
  GradientNoise,
  Landscape,
  LossOptions,
  Method,
  MethodResult,
  NoiseKind,
  RunConfig,
  SlicePlane,
  Smoothness,
} from '../engine/types';
import type { SweepCell, SweepTarget } from '../engine/sweep';
import type { CurvatureProfile } from '../engine/suggest';
import type { GradientGrid } from '../engine/landscape';
import type { PackedLandscape } from '../engine/packedLandscape';
import type { ModelFinals, ModelNoise, NoiseModel } from '../engine/noiseModelTrials';
import { isPackedMethodResult, unpackMethodResult, type PackedMethodResult } from '../engine/packedTrials';

export type { ArgStyle, Method };

/** Where a worker finds the loss: an esbuild CJS bundle of the user's file. */
export interface LossRef {
  bundlePath: string;
  exportName: string;
  argStyle: ArgStyle;
  dim: number;
  /** The user's source file, for error messages. */
  sourceFile: string;
  /** 1-based line of the export's declaration, for failures without a stack (a hung call, memory). */
  line?: number;
  /** 1-based line of `<name>Options.gradient`, for a gradient that returns the wrong shape. */
  gradientLine?: number;
}

/**
 * A landscape task's rows and, with `gradients` (2-D), ∇g of the smoothings computed in the same
 * pass as g (engine/landscape.ts `gradientsWithLandscape`), its arrays transferred: never part of
 * the result's landscape.
 */
export interface LandscapePart {
  landscape: Landscape;
  gradients?: GradientGrid[];
}

/** The work a worker does for a run: task kind → (arguments) → result. */
export interface WorkerTasks {
  /**
   * Trials [from, to) of one method: its index in config.methods, or the shorthand `sgd` / `gd`
   * (the paper's pair, as a sweep runs them); `lean`: finals only, no paths or checkpoints (a sweep's GD).
   */
  trials(args: { method: number | Method; from: number; to: number; lean?: boolean }): MethodResult;
  /**
   * f and the smoothed g on grid rows [rowFrom, rowTo) (rows along y, or slices; `landscapeRows`);
   * with `gradients`, also ∇g of the c(y) maps' smoothings it can compute in the same pass.
   */
  landscape(args: { rowFrom: number; rowTo: number; xStar?: number[]; gradients?: boolean }): LandscapePart;
  /**
   * 2-D: ∇g of one c(y) map's smoothing (`convexityRadii`) on grid rows [rowFrom, rowTo), for the
   * diagnostics (engine/landscape.ts `smoothedGradientRows`); its arrays are transferred.
   */
  gradients(args: { radius: number; noise: NoiseKind; rowFrom: number; rowTo: number }): GradientGrid;
  /**
   * Diagnostics need every method's merged trials (in config order, packed: engine/packedTrials.ts)
   * and the full landscape (packed: engine/packedLandscape.ts); the landscape comes back when the result keeps another (d > 2: the
   * slices through the x* found from the finals, engine/diagnostics.ts `finishRun`), else it is
   * absent: the one sent (~1 MB at 201 × 201, whose copy back took 20-45 ms to read in a fresh
   * process). `gradients`: the `gradients` tasks' blocks joined per smoothing (2-D); `smoothness`:
   * the `smoothness` task's. The noise-model trials are left to `modelTrials` tasks and, d > 2, the
   * plane through x* to a `plane` task: `modelTrialsPending` and `planePending` say they are due.
   */
  diagnostics(args: { landscape: PackedLandscape; methods: PackedMethodResult[]; gradients?: GradientGrid[]; smoothness?: Smoothness }): {
    landscape?: Landscape;
    diagnostics: Diagnostics;
    modelTrialsPending?: true;
    planePending?: true;
  };
  /**
   * d > 2: the plane through x* (engine/plane.ts `planeDiagnostics`) from the diagnostics' x* and
   * measured noise, and the `sgd` method's paths and finals (`diagnosticsInput`); run beside the
   * model trials when the diagnostics say `planePending`.
   */
  plane(args: { xStar: number[]; sgd: MethodResult; noise?: GradientNoise }): SlicePlane | undefined;
  /**
   * The `sgd` method's trials [from, to) rerun under a Gaussian noise model (engine/noiseModelTrials.ts
   * `gaussianModelFinals`): `starts` are those trials' starts, `noise` the diagnostics' measured noise.
   */
  modelTrials(args: { model: NoiseModel; from: number; to: number; starts: number[][]; noise: ModelNoise }): ModelFinals;
  /**
   * The smoothness constant L of Theorem 1 with where it is attained (engine/smoothness.ts
   * `smoothnessEstimate`): a sweep computes it once for all cells, a run beside its trials for
   * its diagnostics.
   */
  smoothness(args: Record<string, never>): Smoothness;
  /** f's local curvature over the domain, for the suggested defaults (engine/suggest.ts). */
  curvature(args: Record<string, never>): CurvatureProfile;
  /** A sweep's x* and each stage's c for the config's radii (shared by the cells of one radius). */
  sweepTarget(args: Record<string, never>): SweepTarget;
  /** One sweep cell: its SGD trials (lean), then its numbers with GD's finals, the target and L. */
  sweepCell(args: { target: SweepTarget; L: number; gd?: Pick<MethodResult, 'finals' | 'divergedMask'> }): SweepCell;
  /** The global minima of f over `box`, for the default domain (before the run; `minimaForDomain`). */
  domainMinima(args: { box: Box }): number[][];
}

export type TaskKind = keyof WorkerTasks;
type ArgsOf = { [K in TaskKind]: Parameters<WorkerTasks[K]>[0] };
type ResultsOf = { [K in TaskKind]: ReturnType<WorkerTasks[K]> };
export type TaskArgs<K extends TaskKind> = ArgsOf[K];
export type TaskResultOf<K extends TaskKind> = ResultsOf[K];

/**
 * A result as it travels from the worker: a `trials` task's MethodResult packed into typed arrays
 * that are transferred, not cloned (engine/packedTrials.ts); every other kind as it is.
 */
export type WireResultOf<K extends TaskKind> = K extends 'trials' ? PackedMethodResult : TaskResultOf<K>;

/** A task on the wire: its kind and its arguments (for a generic K, the pair stays correlated). */
export type Task<K extends TaskKind = TaskKind> = { [P in K]: { kind: P; args: TaskArgs<P> } }[K];

/** What a worker learned by loading the module (never done on the host thread). */
export interface ModuleInfo {
  /**
   * Exported functions with their declared parameter count (`fn.length`), the 1-based line where
   * each begins in the user's file (from the bundle's source map; absent when not known) and
   * whether it is async or a generator; `plain` when its parameters are plain names (no default,
   * rest or destructuring), so that `length` counts them all.
   */
  functions: Array<{ name: string; length: number; line?: number; form?: 'async' | 'generator'; plain?: true }>;
  /** `<exportName>Options` without the gradient function and the examples. */
  options?: Omit<LossOptions, 'gradient' | 'data'>;
  hasGradient: boolean;
  /** A finite-sum loss (`<exportName>Options.data`): the number of examples n. */
  examples?: number;
  /** `<exportName>Options` has a `data` key whose value is undefined when the file runs. */
  dataUndefined?: boolean;
  /** 1-based line of `<exportName>Options.gradient` in the user's file, when known (as `functions[].line`). */
  gradientLine?: number;
}

/**
 * Shared scratch of every message: Int32 [0] = cancel flag (host sets 1), Int32 [1] = heartbeat
 * (bumped on every call of the user's loss or gradient, and every SGD step), Int32 [2] = what the
 * worker is doing (`WORKER_STATE`), Int32 [3] = 1 while a guarded call runs, Float64 from byte 16 =
 * the engine's iterate (dim numbers), then the input of the guarded call in progress (dim numbers),
 * so a hung call is reported with its input. The host's watchdog counts a stall only while the state is
 * `loading` or `user` and the heartbeat stands still: one loss call (or the module's top level),
 * never the worker's start-up, the engine's own work or the result's serialization.
 */
interface WithShared {
  id: number;
  loss: LossRef;
  shared: SharedArrayBuffer;
}

/** Host → worker: run a task of a run with this config. */
export interface RunTaskMessage<K extends TaskKind = TaskKind> extends WithShared {
  type: 'task';
  config: RunConfig;
  task: Task<K>;
}

/** Host → worker: load the module and report its exports and the JSON-able parts of `<name>Options`. */
export interface InspectMessage extends WithShared {
  type: 'inspect';
}

export type HostToWorker = RunTaskMessage | InspectMessage;

/** Worker → host: units of work done so far for message `id` (steps × trials, or grid rows). */
export interface ProgressMessage {
  type: 'progress';
  id: number;
  done: number;
  total: number;
}

/** Worker → host: the result of a task, with the kind of task it answers. */
export interface ResultMessage<K extends TaskKind = TaskKind> {
  type: 'result';
  id: number;
  kind: K;
  result: WireResultOf<K>;
}

/**
 * The result `m` carries when it answers a task of kind `kind`, else undefined. The one place the
 * wire's union meets the caller's kind: checked here at run time, so callers need no casts. A
 * packed trial result is unpacked here, on the host.
 */
export function resultFor<K extends TaskKind>(m: ResultMessage, kind: K): TaskResultOf<K> | undefined {
  if (m.kind !== kind) return undefined;
  return (isPackedMethodResult(m.result) ? unpackMethodResult(m.result) : m.result) as TaskResultOf<K>;
}

/** Worker → host: the answer to an `inspect`. */
export interface ModuleMessage {
  type: 'module';
  id: number;
  info: ModuleInfo;
}

/**
 * What made a run fail. A worker reports throw, load, invalid, engine and cancelled; the pool adds
 * timeout (a loss call that did not return), memory and cancelled; the host adds syntax (esbuild),
 * config (a setting out of range) and not-found (no such export).
 */
export type FailureKind = 'throw' | 'load' | 'invalid' | 'engine' | 'cancelled' | 'timeout' | 'memory' | 'syntax' | 'config' | 'not-found';

/**
 * A failure inside the user's code or the engine, already mapped to the user's source: the wire
 * form of a `RunFailure` (src/runner/failure.ts).
 */
export interface FailureDetail {
  message: string;
  /** 'throw' — the loss threw; 'load' — the bundle failed to load or the export is missing; 'engine' — our bug. */
  kind: FailureKind;
  exportName?: string;
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
  /** The point being evaluated when it failed. */
  input?: number[];
}

export interface ErrorMessage {
  type: 'error';
  id: number;
  error: FailureDetail;
}

/**
 * Worker → host: text the user's code printed (console.*, process.stdout/stderr) while working on
 * message `id`, up to a cap per message; `droppedBytes`/`droppedLines` count what was cut.
 */
export interface OutputMessage {
  type: 'output';
  id: number;
  text: string;
  droppedBytes: number;
  droppedLines: number;
}

/**
 * Worker → host: the user's code failed outside any call the worker was answering (a rejected
 * promise or a throwing timer of the module): the worker stops after this message.
 */
export interface FatalMessage {
  type: 'fatal';
  /** The message being answered when it happened, if any. */
  id?: number;
  error: FailureDetail;
}

export type WorkerToHost = ProgressMessage | ResultMessage | ModuleMessage | ErrorMessage | OutputMessage | FatalMessage;

/** Byte layout of the messages' `shared` buffer. */
export const SHARED_CANCEL_INDEX = 0;
export const SHARED_HEARTBEAT_INDEX = 1;
export const SHARED_STATE_INDEX = 2;
/** Int32 [3]: 1 while a call of the user's loss or gradient runs with its input in the call region. */
export const SHARED_CALL_INDEX = 3;
/** The engine's iterate (a trial task's x, where the scalar kernels' calls are evaluated). */
export const SHARED_INPUT_OFFSET = 16;
/** The input of the user's call in progress, apart from the iterate (the engine's own storage is never written by the guard). */
export function sharedCallOffset(dim: number): number {
  return SHARED_INPUT_OFFSET + 8 * Math.max(1, dim);
}
/** Values of Int32 [SHARED_STATE_INDEX]: the engine's own work (or not started), the module's top level, the user's loss. */
export const WORKER_STATE = { engine: 0, loading: 1, user: 2 } as const;
export function sharedBufferBytes(dim: number): number {
  return SHARED_INPUT_OFFSET + 16 * Math.max(1, dim);
}
