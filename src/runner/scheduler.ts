/**
 * The worker pool's scheduler: worker slots (started lazily, at most `size`), a FIFO queue of
 * jobs, a heartbeat watchdog, and killing and replacing a worker. It knows messages and
 * failures, not experiments (`pool.ts` turns an experiment into jobs).
 *
 * Safety: each job has a shared heartbeat the worker bumps as it goes; a job whose heartbeat has
 * not moved for its `stallMs` is a loss call that never returns: its worker is terminated (and
 * replaced on the next job) and the job fails naming the function and the input. Workers run
 * with a heap limit, so a loss that eats memory ends the worker, not the host.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../engine/types';
import { RunFailure, failures } from './failure';
import {
  SHARED_CANCEL_INDEX,
  SHARED_HEARTBEAT_INDEX,
  SHARED_INPUT_OFFSET,
  TASKS_WITH_INPUT,
  resultFor,
  sharedBufferBytes,
  type HostToWorker,
  type LossRef,
  type ModuleInfo,
  type ResultMessage,
  type ModuleMessage,
  type Task,
  type TaskResultOf,
  type FailureDetail,
  type WorkerToHost,
} from '../protocol/worker';

export const DEFAULT_WORKER_SCRIPT = join(__dirname, 'worker.js');

export interface SchedulerOptions {
  /** Path of dist/worker.js. */
  workerScript?: string;
  /** Worker threads; 0 or absent = all cores. */
  workers?: number;
  /** Heap limit per worker. */
  memoryLimitMb?: number;
}

export interface JobOptions {
  /** A worker whose heartbeat has not moved for this long is stopped. */
  stallMs: number;
  /** Progress of this job, as units done of its own total (the worker's count). */
  onProgress?(done: number, total: number): void;
}

/** A submitted job: its outcome, and when a worker took it. */
export interface Job<R> {
  readonly result: Promise<R>;
  /** performance.now() when a worker took it; undefined while queued. */
  readonly startedAt: number | undefined;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  msg: HostToWorker;
  i32: Int32Array;
  stallMs: number;
  /** Whether the job's worker keeps its current input in the shared scratch (trial tasks). */
  writesInput: boolean;
  onProgress?(done: number, total: number): void;
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

export class Scheduler {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Set<Pending>();
  private readonly jobs = new WeakMap<Job<unknown>, Pending>();
  private nextId = 1;
  private watchdog?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly opts: SchedulerOptions = {}) {
    this.size = opts.workers && opts.workers > 0 ? opts.workers : Math.max(1, availableParallelism());
  }

  /** Queues one task of a run; the job's result is that task kind's result. */
  run<T extends Task>(loss: LossRef, config: RunConfig, task: T, opts: JobOptions): Job<TaskResultOf<T['kind']>> {
    return this.submit<TaskResultOf<T['kind']>>(
      (id, shared) => ({ type: 'task', id, loss, config, task, shared }),
      config.dim,
      TASKS_WITH_INPUT.has(task.kind),
      opts,
      (m, resolve, reject) => {
        const result = m.type === 'result' ? resultFor<T['kind']>(m, task.kind) : undefined;
        if (result !== undefined) return resolve(result);
        const got = m.type === 'result' ? `a ${m.kind} result` : 'module info';
        reject(failures.engine(loss, `the worker answered a ${task.kind} task with ${got}`));
      },
    );
  }

  /** Queues loading the module in a worker to read its exports and `<name>Options`. */
  inspect(loss: LossRef, opts: JobOptions): Job<ModuleInfo> {
    return this.submit<ModuleInfo>(
      (id, shared) => ({ type: 'inspect', id, loss, shared }),
      1,
      false,
      opts,
      (m, resolve, reject) => {
        if (m.type === 'module') resolve(m.info);
        else reject(failures.engine(loss, 'the worker answered inspect with a task result'));
      },
    );
  }

  /**
   * Stops jobs: queued ones never start (they fail as cancelled), running ones see the cancel
   * flag; a worker still busy with one after `graceMs` (stuck inside the loss, where it cannot
   * see the flag) is terminated.
   */
  cancel(jobs: Iterable<Job<unknown>>, graceMs = 1000): void {
    const stopping: Pending[] = [];
    for (const job of jobs) {
      const p = this.jobs.get(job);
      if (!p) continue;
      Atomics.store(p.i32, SHARED_CANCEL_INDEX, 1);
      const queued = this.queue.indexOf(p);
      if (queued >= 0) {
        this.queue.splice(queued, 1);
        p.reject(failures.cancelled(p.msg.loss));
      } else if (this.running.has(p)) {
        stopping.push(p);
      }
    }
    if (stopping.length === 0) return;
    setTimeout(() => {
      for (const p of stopping) if (this.running.has(p) && p.slot) this.kill(p.slot);
    }, graceMs).unref();
  }

  /** Terminates all workers; every queued or running job fails as cancelled. */
  dispose(): void {
    this.disposed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const s of this.slots) void s.worker.terminate();
    this.slots.length = 0;
    for (const p of [...this.queue, ...this.running]) p.reject(failures.cancelled(p.msg.loss, 'the runner was disposed'));
    this.queue.length = 0;
    this.running.clear();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private submit<R>(
    message: (id: number, shared: SharedArrayBuffer) => HostToWorker,
    dim: number,
    writesInput: boolean,
    opts: JobOptions,
    settle: (m: ResultMessage | ModuleMessage, resolve: (r: R) => void, reject: (e: RunFailure) => void) => void,
  ): Job<R> {
    const shared = new SharedArrayBuffer(sharedBufferBytes(dim));
    const msg = message(this.nextId++, shared);
    let pending!: Pending;
    const result = new Promise<R>((resolve, reject) => {
      pending = {
        msg,
        i32: new Int32Array(shared, 0, 2),
        stallMs: opts.stallMs,
        writesInput,
        onProgress: opts.onProgress,
        accept: (m) => settle(m, resolve, reject),
        reject,
        lastBeat: 0,
        lastBeatAt: Date.now(),
      };
    });
    const job: Job<R> = {
      result,
      get startedAt() {
        return pending.startedAt;
      },
    };
    this.jobs.set(job, pending);
    if (this.disposed) {
      pending.reject(failures.cancelled(msg.loss, 'the runner was disposed'));
      return job;
    }
    this.queue.push(pending);
    this.pump();
    return job;
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const p = this.queue.shift()!;
      slot.busy = true;
      p.slot = slot;
      p.lastBeatAt = Date.now();
      p.startedAt = performance.now();
      this.running.add(p);
      slot.worker.postMessage(p.msg);
    }
    this.ensureWatchdog();
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.workerScript ?? DEFAULT_WORKER_SCRIPT, {
      resourceLimits: this.opts.memoryLimitMb ? { maxOldGenerationSizeMb: this.opts.memoryLimitMb } : undefined,
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: WorkerToHost) => this.onMessage(slot, m));
    worker.on('error', (err: Error & { code?: string }) => this.onWorkerDeath(slot, err));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) this.onWorkerDeath(slot, new Error(`worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private jobOf(slot: Slot): Pending | undefined {
    for (const p of this.running) if (p.slot === slot) return p;
    return undefined;
  }

  private onMessage(slot: Slot, m: WorkerToHost): void {
    const p = this.jobOf(slot);
    if (!p || p.msg.id !== m.id) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.done, m.total);
      return;
    }
    this.running.delete(p);
    slot.busy = false;
    if (m.type === 'error') {
      p.reject(new RunFailure(m.error));
    } else {
      p.onProgress?.(1, 1);
      p.accept(m);
    }
    this.pump();
  }

  private onWorkerDeath(slot: Slot, err: Error & { code?: string }): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const p = this.jobOf(slot);
    if (p) {
      this.running.delete(p);
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') p.reject(failures.outOfMemory(p.msg.loss, this.opts.memoryLimitMb, probeInput(p)));
      else if (p.killedFor) p.reject(new RunFailure(p.killedFor));
      else p.reject(failures.engine(p.msg.loss, `worker stopped: ${err.message}`));
    }
    void slot.worker.terminate();
    this.pump();
  }

  private kill(slot: Slot, reason?: FailureDetail): void {
    const p = this.jobOf(slot);
    if (p && reason) p.killedFor = reason;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate().then(() => {
      if (p && this.running.has(p)) {
        this.running.delete(p);
        p.reject(reason ? new RunFailure(reason) : failures.cancelled(p.msg.loss));
      }
      this.pump();
    });
  }

  private ensureWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      if (this.running.size === 0 && this.queue.length === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        return;
      }
      const now = Date.now();
      for (const p of this.running) {
        const beat = Atomics.load(p.i32, SHARED_HEARTBEAT_INDEX);
        if (beat !== p.lastBeat) {
          p.lastBeat = beat;
          p.lastBeatAt = now;
        } else if (beat === 0) {
          // Not picked up yet: its worker thread is still starting, which takes seconds on a
          // loaded machine. That is not the user's code; the stall limit runs from the pick-up.
          p.lastBeatAt = now;
        } else if (now - p.lastBeatAt > p.stallMs && p.slot) {
          this.kill(p.slot, failures.stalled(p.msg.loss, p.stallMs, probeInput(p)));
        }
      }
    }, 200);
    this.watchdog.unref();
  }
}

/** The point a trial job's loss is being evaluated at (the worker keeps its iterate there). */
function probeInput(p: Pending): number[] | undefined {
  if (!p.writesInput) return undefined;
  const dim = p.msg.type === 'task' ? p.msg.config.dim : 1;
  return Array.from(new Float64Array(p.msg.shared, SHARED_INPUT_OFFSET, Math.max(1, dim)));
}
