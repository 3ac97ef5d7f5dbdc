/**
 * The scheduler's watchdog (scheduler.ts): every 100 ms while jobs are queued or running, it
 * stops a job whose user code has not returned for its `stallMs` (the heartbeat, bumped on every
 * loss call, has not moved while the worker is in user code), and bounds the process's resident
 * memory, which a worker's heap limit does not cover (typed arrays, buffers). It also keeps the
 * process alive while there is work. What a job and a worker slot are is defined here.
 */
import type { Worker } from 'node:worker_threads';
import { RunFailure, failures } from './failure';
import {
  SHARED_HEARTBEAT_INDEX,
  SHARED_INPUT_OFFSET,
  SHARED_STATE_INDEX,
  SHARED_CALL_INDEX,
  WORKER_STATE,
  sharedCallOffset,
  type HostToWorker,
  type OutputMessage,
  type ResultMessage,
  type ModuleMessage,
  type FailureDetail,
} from '../protocol/worker';

/** Outside their heap, workers may use this many times their heap limit before the run is stopped. */
export const EXTERNAL_MEMORY_FACTOR = 2;
/** Room for the host's own growth during a run (the results it merges), in MB. */
const HOST_SLACK_MB = 1024;

/** Whom a job belongs to: a run (any object) or an inspect, whose worker a run of the same bundle may take over. */
export type Owner = object;

export interface Slot {
  worker: Worker;
  busy: boolean;
  /** The bundle this worker has loaded (it never loads another). */
  bundle?: string;
  owner?: Owner;
  /** Terminate once its job ends. */
  retiring?: boolean;
}

export interface Pending {
  msg: HostToWorker;
  owner: Owner;
  i32: Int32Array;
  stallMs: number;
  onProgress?(done: number, total: number): void;
  onOutput?(m: OutputMessage): void;
  /** Settles the job with the worker's answer (checked against what was asked). */
  accept(m: ResultMessage | ModuleMessage): void;
  reject(e: RunFailure): void;
  slot?: Slot;
  startedAt?: number;
  lastBeat: number;
  lastBeatAt: number;
  /** Why the watchdog terminated this job's worker. */
  killedFor?: FailureDetail;
}

/** What the watchdog watches: the scheduler's running jobs and workers. */
export interface WatchedPool {
  readonly running: ReadonlySet<Pending>;
  /** Whether any job is queued or running. */
  active(): boolean;
  /** Live worker threads. */
  workers(): number;
  /** Heap limit per worker (MB); the memory budget derives from it. None: no memory check. */
  readonly memoryLimitMb?: number;
  /** Terminates the worker of a slot; its job fails with `reason`. */
  kill(slot: Slot, reason: FailureDetail): void;
}

export class Watchdog {
  private timer?: NodeJS.Timeout;
  private baselineRssMb = 0;
  /** Workers were stopped for memory: no more checks until the watchdog starts afresh. */
  private memoryStopped = false;

  constructor(private readonly pool: WatchedPool) {}

  /** Runs while jobs are queued or running, and keeps the process alive for them. */
  start(): void {
    if (this.timer) return;
    this.baselineRssMb = process.memoryUsage.rss() / 2 ** 20;
    this.memoryStopped = false;
    this.timer = setInterval(() => this.tick(), 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (!this.pool.active()) return this.stop();
    const now = Date.now();
    for (const p of this.pool.running) {
      const beat = Atomics.load(p.i32, SHARED_HEARTBEAT_INDEX);
      const state = Atomics.load(p.i32, SHARED_STATE_INDEX);
      if (beat !== p.lastBeat) {
        p.lastBeat = beat;
        p.lastBeatAt = now;
      } else if (state === WORKER_STATE.engine) {
        // Not started yet, the engine's own work, or serializing the answer: not the user's code.
        p.lastBeatAt = now;
      } else if (now - p.lastBeatAt > p.stallMs && p.slot && !p.killedFor) {
        this.pool.kill(p.slot, failures.stalled(p.msg.loss, p.stallMs, state, probeInput(p)));
      }
    }
    this.checkMemory();
  }

  /** The process's resident memory against its budget (see the module comment). */
  private checkMemory(): void {
    const limit = this.pool.memoryLimitMb;
    if (!limit || this.memoryStopped) return;
    const rssMb = process.memoryUsage.rss() / 2 ** 20;
    const allowedMb = this.pool.workers() * EXTERNAL_MEMORY_FACTOR * limit + HOST_SLACK_MB;
    if (rssMb - this.baselineRssMb <= allowedMb) return;
    const inUser = [...this.pool.running].filter((p) => Atomics.load(p.i32, SHARED_STATE_INDEX) !== WORKER_STATE.engine && !p.killedFor);
    const grewMb = Math.round(rssMb - this.baselineRssMb);
    // The user's code is running: it is the likely cause. Else it is our own storage: fail all.
    const victims = inUser.length ? inUser : [...this.pool.running].filter((p) => !p.killedFor);
    const workers = this.pool.workers();
    for (const p of victims) {
      if (!p.slot) continue;
      const state = Atomics.load(p.i32, SHARED_STATE_INDEX);
      const budget = { workers, limitMb: limit, factor: EXTERNAL_MEMORY_FACTOR, slackMb: HOST_SLACK_MB };
      this.pool.kill(p.slot, failures.processMemory(p.msg.loss, state, grewMb, budget, probeInput(p)).detail);
    }
    this.memoryStopped = true;
  }
}

/**
 * The input of the call in progress: a guarded call's own input, else (the scalar SGD kernels,
 * whose calls are not guarded one by one) the trial's iterate; none outside the user's code.
 */
export function probeInput(p: Pending): number[] | undefined {
  if (p.msg.type !== 'task' || Atomics.load(p.i32, SHARED_HEARTBEAT_INDEX) <= 1) return undefined;
  const dim = Math.max(1, p.msg.config.dim);
  if (Atomics.load(p.i32, SHARED_CALL_INDEX) === 1) return Array.from(new Float64Array(p.msg.shared, sharedCallOffset(dim), dim));
  if (Atomics.load(p.i32, SHARED_STATE_INDEX) !== WORKER_STATE.user) return undefined;
  return Array.from(new Float64Array(p.msg.shared, SHARED_INPUT_OFFSET, dim));
}
