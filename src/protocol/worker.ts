/**
 * Host ↔ trial-worker protocol (Node `worker_threads`). Used by the extension host and the CLI
 * alike through `src/runner/pool.ts`. A worker loads the user's bundled loss once per task from
 * `loss.bundlePath` and runs one pure engine function on it.
 */
import type { ArgStyle, Landscape, Method, MethodResult, RunConfig, Diagnostics, LossOptions } from '../engine/types';

export type { ArgStyle, Method };

/** Where a worker finds the loss: an esbuild CJS bundle of the user's file. */
export interface LossRef {
  bundlePath: string;
  exportName: string;
  argStyle: ArgStyle;
  dim: number;
  /** The user's source file, for error messages. */
  sourceFile: string;
}

/** Run trials [from, to) of one method. */
export interface TrialsTask {
  kind: 'trials';
  method: Method;
  from: number;
  to: number;
}

/** Evaluate f and the smoothed g on grid rows [rowFrom, rowTo) (rows along y, or slices). */
export interface LandscapeTask {
  kind: 'landscape';
  rowFrom: number;
  rowTo: number;
  xStar?: number[];
}

/** Diagnostics need the merged trials and the full landscape. */
export interface DiagnosticsTask {
  kind: 'diagnostics';
  landscape: Landscape;
  sgd: MethodResult;
  gd?: MethodResult;
}

/** Load the module and report its exports and the JSON-able parts of `<name>Options`. */
export interface InspectTask {
  kind: 'inspect';
}

export type Task = TrialsTask | LandscapeTask | DiagnosticsTask | InspectTask;

/** What a worker learned by loading the module (never done on the host thread). */
export interface ModuleInfo {
  /** Exported functions with their declared parameter count (`fn.length`). */
  functions: Array<{ name: string; length: number }>;
  /** `<exportName>Options` without the gradient function. */
  options?: Omit<LossOptions, 'gradient'>;
  hasGradient: boolean;
}

export type TaskResult =
  | { kind: 'trials'; result: MethodResult }
  | { kind: 'landscape'; result: Landscape }
  | { kind: 'diagnostics'; result: Diagnostics }
  | { kind: 'inspect'; result: ModuleInfo };

/** Host → worker: start a task. */
export interface RunTaskMessage {
  type: 'task';
  id: number;
  loss: LossRef;
  config: RunConfig;
  task: Task;
  /**
   * Shared scratch: Int32 [0] = cancel flag (host sets 1), Int32 [1] = heartbeat (the worker
   * bumps it every step, so the host can tell a slow loss from a hung one), Float64 view from
   * byte 8 holds the iterate currently being evaluated so a hung call is reported with its input.
   */
  shared: SharedArrayBuffer;
}

export type HostToWorker = RunTaskMessage;

/** Worker → host: units of work done so far for task `id` (steps × trials, or grid rows). */
export interface ProgressMessage {
  type: 'progress';
  id: number;
  done: number;
  total: number;
}

export interface ResultMessage {
  type: 'result';
  id: number;
  result: TaskResult;
}

/** A failure inside the user's code or the engine, already mapped to the user's source. */
export interface UserError {
  message: string;
  /** 'throw' — the loss threw; 'load' — the bundle failed to load or the export is missing; 'engine' — our bug; 'cancelled'. */
  kind: 'throw' | 'load' | 'engine' | 'cancelled' | 'timeout' | 'memory' | 'invalid';
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
  error: UserError;
}

export type WorkerToHost = ProgressMessage | ResultMessage | ErrorMessage;

/** Byte layout of `RunTaskMessage.shared`. */
export const SHARED_CANCEL_INDEX = 0;
export const SHARED_HEARTBEAT_INDEX = 1;
export const SHARED_INPUT_OFFSET = 8;
export function sharedBufferBytes(dim: number): number {
  return SHARED_INPUT_OFFSET + 8 * Math.max(1, dim);
}
