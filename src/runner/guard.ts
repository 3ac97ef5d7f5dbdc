/**
 * Worker side: what the user's code runs inside. Installed once per worker thread, before any user
 * code loads:
 *
 * - `process.exit` throws `ExitCalled` instead of ending the thread, so a loss that calls it is
 *   reported like a throw (with its file, line and input);
 * - console.* and process.stdout/stderr are captured: forwarded to the host up to a cap per
 *   message, the rest only counted (never buffered without limit, here or on the host);
 * - unhandled rejections and throwing timers are caught and reported, not left to kill the thread.
 *
 * `guardLoss` / `guardGradient` wrap the user's functions for the engine: every call bumps the
 * shared heartbeat and marks the worker as inside user code (the host's watchdog times exactly
 * that), keeps the call's input in the shared scratch, checks that a number came back, and turns
 * a throw into a `CallError` carrying the input.
 */
import { format } from 'node:util';
import { LossError } from '../engine/sgd';
import type { Gradient, Loss } from '../engine/types';
import { SHARED_CALL_INDEX, SHARED_HEARTBEAT_INDEX, SHARED_STATE_INDEX, WORKER_STATE, type OutputMessage } from '../protocol/worker';

/** What failed inside a call: the loss, the gradient, or a value of the wrong kind coming back. */
export type CallWhat = 'loss' | 'gradient' | 'not-a-number' | 'gradient-shape';

/** A failed call of the user's loss or gradient, with its input (an engine `LossError`). */
export class CallError extends LossError {
  constructor(
    inner: unknown,
    input: number[],
    readonly what: CallWhat,
    /** For not-a-number / gradient-shape: what came back instead. */
    readonly got?: string,
  ) {
    super(inner, input);
    this.name = 'CallError';
  }
}

/** Thrown by `process.exit` inside a worker: the user's code tried to end the process. */
export class ExitCalled extends Error {
  constructor(readonly code: unknown) {
    super(`called process.exit(${code === undefined ? '' : String(code)})`);
    this.name = 'ExitCalled';
  }
}

/** Most text forwarded to the host per message; the rest is counted. */
export const OUTPUT_CAP_BYTES = 16 * 1024;

/** Console and stdout/stderr of the user's code, per message being answered. */
export class OutputCapture {
  private id = 0;
  private buffered = '';
  private forwarded = 0;
  private droppedBytes = 0;
  private droppedLines = 0;
  private lastFlush = 0;

  constructor(private readonly post: (m: OutputMessage) => void) {}

  /** Starts counting for message `id`. */
  begin(id: number): void {
    this.flush();
    this.id = id;
    this.forwarded = 0;
    this.droppedBytes = 0;
    this.droppedLines = 0;
  }

  write(text: string): void {
    const room = OUTPUT_CAP_BYTES - this.forwarded - this.buffered.length;
    if (room > 0) {
      this.buffered += text.length <= room ? text : text.slice(0, room);
      if (text.length > room) this.drop(text.slice(room));
    } else {
      this.drop(text);
    }
    const now = Date.now();
    if (this.buffered.length >= 4096 || now - this.lastFlush > 200) this.flush(now);
  }

  /** Sends what is buffered, with the counts of what was cut (always at the end of a message). */
  flush(now = Date.now()): void {
    this.lastFlush = now;
    if (!this.buffered && !this.droppedBytes) return;
    this.post({ type: 'output', id: this.id, text: this.buffered, droppedBytes: this.droppedBytes, droppedLines: this.droppedLines });
    this.forwarded += this.buffered.length;
    this.buffered = '';
    this.droppedBytes = 0;
    this.droppedLines = 0;
  }

  private drop(text: string): void {
    this.droppedBytes += text.length;
    let n = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    this.droppedLines += n;
  }
}

/** A chunk written to a stream, as text. */
function chunkText(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  return String(chunk);
}

/**
 * Installs the capture, the `process.exit` trap and the handlers for rejections and uncaught
 * throws (`onAsyncFailure`) in this worker thread.
 */
export function installWorkerGuards(capture: OutputCapture, onAsyncFailure: (e: unknown, what: 'rejection' | 'exception') => void): void {
  const write = (text: string) => capture.write(text);
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: unknown, enc?: unknown, cb?: unknown) => {
      write(chunkText(chunk));
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
  for (const name of ['log', 'info', 'debug', 'warn', 'error', 'trace'] as const) {
    console[name] = (...args: unknown[]) => write(`${format(...args)}\n`);
  }
  process.exit = ((code?: unknown) => {
    throw new ExitCalled(code);
  }) as typeof process.exit;
  process.on('unhandledRejection', (reason) => onAsyncFailure(reason, 'rejection'));
  process.on('uncaughtException', (e) => onAsyncFailure(e, 'exception'));
}

/**
 * The shared scratch of the message being answered: one object per worker whose fields are
 * re-pointed for each message, so a guarded function stays the same object from task to task
 * (and V8's optimized code for the SGD kernels that call it stays valid).
 */
export interface Scratch {
  i32: Int32Array;
  /** The current call's input (its own region of the shared buffer, length dim). */
  input: Float64Array;
}

/**
 * A guarded call of the user's code begins: the state is `user`, the heartbeat bumped, the call's
 * input recorded in its own region (never the engine's iterate, which `x` may be) and flagged.
 * Returns the state to restore when the call returns (`leaveCall`); a throw leaves it as it is.
 */
function enterCall(s: Scratch, x: Float64Array): number {
  const { i32, input } = s;
  const before = i32[SHARED_STATE_INDEX];
  i32[SHARED_STATE_INDEX] = WORKER_STATE.user;
  i32[SHARED_HEARTBEAT_INDEX]++;
  input.set(x.length <= input.length ? x : x.subarray(0, input.length));
  i32[SHARED_CALL_INDEX] = 1;
  return before;
}

/** The guarded call returned: the state before it, no call in progress. */
function leaveCall(s: Scratch, before: number): void {
  s.i32[SHARED_STATE_INDEX] = before;
  s.i32[SHARED_CALL_INDEX] = 0;
}

/**
 * `loss` timed, recorded and checked call by call (see the module comment). The previous state is
 * restored after each call, so a trial task that marks its whole SGD loop as user code stays so.
 * `scalar` (the engine's fast path for functions of 1 or 2 numbers) is kept as is: the SGD kernels
 * that call it bump the heartbeat every step, and their caller marks the state.
 */
export function guardLoss(loss: Loss, s: Scratch): Loss {
  const guarded: Loss = (x) => {
    const before = enterCall(s, x);
    let v: unknown;
    try {
      v = (loss as (x: Float64Array) => unknown)(x);
    } catch (e) {
      throw e instanceof CallError ? e : new CallError(e, Array.from(x), 'loss');
    }
    leaveCall(s, before);
    if (typeof v !== 'number') throw new CallError(undefined, Array.from(x), 'not-a-number', describeValue(v));
    return v;
  };
  if (loss.scalar) guarded.scalar = loss.scalar;
  return guarded;
}

/** The user's gradient, guarded like the loss; a result of the wrong shape names the gradient. */
export function guardGradient(grad: (x: Float64Array) => unknown, dim: number, s: Scratch): Gradient {
  return (x, out) => {
    const before = enterCall(s, x);
    let r: unknown;
    try {
      r = grad(x);
    } catch (e) {
      throw new CallError(e, Array.from(x), 'gradient');
    }
    leaveCall(s, before);
    const arr = r as ArrayLike<unknown> | null;
    if (arr === null || typeof arr !== 'object' || typeof arr.length !== 'number' || arr.length !== dim) {
      throw new CallError(undefined, Array.from(x), 'gradient-shape', describeValue(r));
    }
    for (let i = 0; i < dim; i++) {
      const v = arr[i];
      if (typeof v !== 'number') throw new CallError(undefined, Array.from(x), 'gradient-shape', `${describeValue(v)} at index ${i}`);
      out[i] = v;
    }
  };
}

/** A value for a message: `the string "1.5"`, `an array of length 3`, `undefined`. */
export function describeValue(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<number>).length}`;
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return v === undefined ? 'undefined' : `a value of type ${typeof v}`;
}
