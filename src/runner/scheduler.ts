/**
 * The worker pool's scheduler: worker slots (started lazily, at most `size`), a FIFO queue of
 * jobs, a watchdog, and killing and replacing a worker. It knows messages and failures, not
 * experiments (`pool.ts` turns an experiment into jobs).
 *
 * - Isolation: a worker serves one loss file version (bundle) for one owner (a run) only. Jobs of
 *   an inspect may be taken over by the run that follows it; when a run ends its workers are
 *   retired. So a loss that changes a global (`Math.log = Math.log2`) cannot change another run.
 * - Liveness: a worker with a job keeps the process alive (`ref`), so its answer, its error or its
 *   exit always arrives; idle workers are `unref`ed and never hold the process open.
 * - Stalls: the watchdog times the user's code only: a job stalls when the worker is inside the
 *   loss (or loading the module) and its heartbeat, bumped on every loss call, has not moved for
 *   the job's `stallMs`. Start-up, the engine's own work and serialization never count.
 * - Memory: workers run with a heap limit, and the watchdog also bounds the process's resident
 *   memory (typed arrays and buffers live outside the heap): beyond the budget, the workers in user
 *   code are stopped and their jobs fail with a memory error.
 * - Output: the user's console output arrives as `output` messages, already capped by the worker.
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
  SHARED_STATE_INDEX,
  SHARED_CALL_INDEX,
  WORKER_STATE,
  sharedCallOffset,
  resultFor,
  sharedBufferBytes,
  type HostToWorker,
  type LossRef,
  type ModuleInfo,
  type OutputMessage,
  type ResultMessage,
  type ModuleMessage,
  type Task,
  type TaskResultOf,
  type FailureDetail,
  type WorkerToHost,
} from '../protocol/worker';

export const DEFAULT_WORKER_SCRIPT = join(__dirname, 'worker.js');

/** Outside their heap, workers may use this many times their heap limit before the run is stopped. */
export const EXTERNAL_MEMORY_FACTOR = 2;
/** Room for the host's own growth during a run (the results it merges), in MB. */
const HOST_SLACK_MB = 1024;

export interface SchedulerOptions {
  /** Path of dist/worker.js. */
  workerScript?: string;
  /** Worker threads; 0 or absent = all cores. */
  workers?: number;
  /** Heap limit per worker; also sets the memory budget of the process (see the module comment). */
  memoryLimitMb?: number;
}

export interface JobOptions {
  /** A loss call (or the module's loading) that has not returned after this long is stopped. */
  stallMs: number;
  /** Progress of this job, as units done of its own total (the worker's count). */
  onProgress?(done: number, total: number): void;
  /** What the user's code printed while the job ran (capped by the worker). */
  onOutput?(m: OutputMessage): void;
}

/** A submitted job: its outcome, and when a worker took it. */
export interface Job<R> {
  readonly result: Promise<R>;
  /** performance.now() when a worker took it; undefined while queued. */
  readonly startedAt: number | undefined;
}

/** Whom a job belongs to: a run (any object) or an inspect, whose worker a run of the same bundle may take over. */
export type Owner = object;
const INSPECT: Owner = Object.freeze({ inspect: true });

interface Slot {
  worker: Worker;
  busy: boolean;
  /** The bundle this worker has loaded (it never loads another). */
  bundle?: string;
  owner?: Owner;
  /** Terminate once its job ends. */
  retiring?: boolean;
}

interface Pending {
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

export class Scheduler {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Set<Pending>();
  private readonly jobs = new WeakMap<Job<unknown>, Pending>();
  private nextId = 1;
  private watchdog?: NodeJS.Timeout;
  private baselineRssMb = 0;
  /** Workers were stopped for memory: no more checks until the watchdog starts afresh. */
  private memoryStopped = false;
  private disposed = false;

  constructor(private readonly opts: SchedulerOptions = {}) {
    this.size = opts.workers && opts.workers > 0 ? opts.workers : Math.max(1, availableParallelism());
  }

  /** Queues one task of a run; the job's result is that task kind's result. */
  run<T extends Task>(owner: Owner, loss: LossRef, config: RunConfig, task: T, opts: JobOptions): Job<TaskResultOf<T['kind']>> {
    return this.submit<TaskResultOf<T['kind']>>(
      owner,
      (id, shared) => ({ type: 'task', id, loss, config, task, shared }),
      config.dim,
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
      INSPECT,
      (id, shared) => ({ type: 'inspect', id, loss, shared }),
      1,
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

  /** The run `owner` is over: its workers are terminated (busy ones when their job ends). */
  retire(owner: Owner): void {
    for (const s of [...this.slots]) {
      if (s.owner !== owner) continue;
      if (s.busy) s.retiring = true;
      else this.drop(s);
    }
  }

  /** Terminates all workers; every queued or running job fails as cancelled. */
  dispose(): void {
    this.disposed = true;
    this.stopWatchdog();
    for (const s of this.slots) void s.worker.terminate();
    this.slots.length = 0;
    for (const p of [...this.queue, ...this.running]) p.reject(failures.cancelled(p.msg.loss, 'the runner was disposed'));
    this.queue.length = 0;
    this.running.clear();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Live worker threads (for tests: none are left behind). */
  get workerCount(): number {
    return this.slots.length;
  }

  private submit<R>(
    owner: Owner,
    message: (id: number, shared: SharedArrayBuffer) => HostToWorker,
    dim: number,
    opts: JobOptions,
    settle: (m: ResultMessage | ModuleMessage, resolve: (r: R) => void, reject: (e: RunFailure) => void) => void,
  ): Job<R> {
    const shared = new SharedArrayBuffer(sharedBufferBytes(dim));
    const msg = message(this.nextId++, shared);
    let pending!: Pending;
    const result = new Promise<R>((resolve, reject) => {
      pending = {
        msg,
        owner,
        i32: new Int32Array(shared, 0, 4),
        stallMs: opts.stallMs,
        onProgress: opts.onProgress,
        onOutput: opts.onOutput,
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

  /** Whether `slot` may take `p`: a fresh worker, or one of the same bundle and owner (or an inspect's). */
  private fits(slot: Slot, p: Pending): boolean {
    if (slot.busy || slot.retiring) return false;
    if (slot.bundle === undefined) return true;
    return slot.bundle === p.msg.loss.bundlePath && (slot.owner === p.owner || slot.owner === INSPECT);
  }

  private pump(): void {
    while (this.queue.length && !this.disposed) {
      const p = this.queue[0];
      let slot = this.slots.find((s) => this.fits(s, p));
      if (!slot && this.slots.length >= this.size) {
        // An idle worker of another file version or run makes room for a fresh one.
        const idle = this.slots.find((s) => !s.busy);
        if (idle) this.drop(idle);
      }
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) break;
      this.queue.shift();
      slot.busy = true;
      slot.bundle = p.msg.loss.bundlePath;
      if (slot.owner === undefined || slot.owner === INSPECT) slot.owner = p.owner;
      slot.worker.ref();
      p.slot = slot;
      p.lastBeatAt = Date.now();
      p.startedAt = performance.now();
      this.running.add(p);
      slot.worker.postMessage(p.msg);
    }
    if (this.running.size || this.queue.length) this.startWatchdog();
    else this.stopWatchdog();
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.workerScript ?? DEFAULT_WORKER_SCRIPT, {
      resourceLimits: this.opts.memoryLimitMb ? { maxOldGenerationSizeMb: this.opts.memoryLimitMb } : undefined,
      // The worker captures the user's output itself; whatever escapes it is read here and dropped.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: WorkerToHost) => this.onMessage(slot, m));
    worker.on('error', (err: Error & { code?: string }) => this.onWorkerDeath(slot, err));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) this.onWorkerDeath(slot, undefined, code);
    });
    this.slots.push(slot);
    return slot;
  }

  /** Terminates an idle (or doomed) worker and forgets it. */
  private drop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  private jobOf(slot: Slot): Pending | undefined {
    for (const p of this.running) if (p.slot === slot) return p;
    return undefined;
  }

  private onMessage(slot: Slot, m: WorkerToHost): void {
    const p = this.jobOf(slot);
    if (m.type === 'fatal') {
      this.onFatal(slot, m.error);
      return;
    }
    if (!p || p.msg.id !== m.id) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.done, m.total);
      return;
    }
    if (m.type === 'output') {
      p.onOutput?.(m);
      return;
    }
    this.finish(p, slot);
    if (m.type === 'error') {
      p.reject(new RunFailure(m.error));
    } else {
      p.onProgress?.(1, 1);
      p.accept(m);
    }
    this.pump();
  }

  /** The job on `slot` is done: the worker goes idle (or away, when retiring). */
  private finish(p: Pending, slot: Slot): void {
    this.running.delete(p);
    slot.busy = false;
    if (slot.retiring) this.drop(slot);
    else slot.worker.unref();
  }

  /**
   * The user's code failed outside a call (a late rejection, a throwing timer): the job on that
   * worker fails with it, or, on an idle worker, every job of the same bundle does; the worker goes.
   */
  private onFatal(slot: Slot, error: FailureDetail): void {
    const own = this.jobOf(slot);
    const victims = own ? [own] : [...this.running, ...this.queue].filter((q) => q.msg.loss.bundlePath === slot.bundle);
    this.drop(slot);
    for (const q of victims) {
      this.running.delete(q);
      const i = this.queue.indexOf(q);
      if (i >= 0) this.queue.splice(i, 1);
      q.reject(new RunFailure(error));
    }
    this.pump();
  }

  private onWorkerDeath(slot: Slot, err: (Error & { code?: string }) | undefined, exitCode?: number): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const p = this.jobOf(slot);
    if (p) {
      this.running.delete(p);
      const state = Atomics.load(p.i32, SHARED_STATE_INDEX);
      if (p.killedFor) p.reject(new RunFailure(p.killedFor));
      else if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY')
        p.reject(failures.outOfMemory(p.msg.loss, state, this.opts.memoryLimitMb, probeInput(p)));
      else if (err) p.reject(failures.workerError(p.msg.loss, err.message));
      else p.reject(failures.exited(p.msg.loss, state, exitCode ?? 0, probeInput(p)));
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

  /** Runs while jobs are queued or running, and keeps the process alive for them. */
  private startWatchdog(): void {
    if (this.watchdog) return;
    this.baselineRssMb = process.memoryUsage.rss() / 2 ** 20;
    this.memoryStopped = false;
    this.watchdog = setInterval(() => this.tick(), 100);
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private tick(): void {
    if (this.running.size === 0 && this.queue.length === 0) return this.stopWatchdog();
    const now = Date.now();
    for (const p of this.running) {
      const beat = Atomics.load(p.i32, SHARED_HEARTBEAT_INDEX);
      const state = Atomics.load(p.i32, SHARED_STATE_INDEX);
      if (beat !== p.lastBeat) {
        p.lastBeat = beat;
        p.lastBeatAt = now;
      } else if (state === WORKER_STATE.engine) {
        // Not started yet, the engine's own work, or serializing the answer: not the user's code.
        p.lastBeatAt = now;
      } else if (now - p.lastBeatAt > p.stallMs && p.slot && !p.killedFor) {
        this.kill(p.slot, failures.stalled(p.msg.loss, p.stallMs, state, probeInput(p)));
      }
    }
    this.checkMemory();
  }

  /** The process's resident memory against its budget (see the module comment). */
  private checkMemory(): void {
    const limit = this.opts.memoryLimitMb;
    if (!limit || this.memoryStopped) return;
    const rssMb = process.memoryUsage.rss() / 2 ** 20;
    const allowedMb = this.slots.length * EXTERNAL_MEMORY_FACTOR * limit + HOST_SLACK_MB;
    if (rssMb - this.baselineRssMb <= allowedMb) return;
    const inUser = [...this.running].filter((p) => Atomics.load(p.i32, SHARED_STATE_INDEX) !== WORKER_STATE.engine && !p.killedFor);
    const grewMb = Math.round(rssMb - this.baselineRssMb);
    // The user's code is running: it is the likely cause. Else it is our own storage: fail all.
    const victims = inUser.length ? inUser : [...this.running].filter((p) => !p.killedFor);
    const workers = this.slots.length;
    for (const p of victims) {
      if (!p.slot) continue;
      const state = Atomics.load(p.i32, SHARED_STATE_INDEX);
      const budget = { workers, limitMb: limit, factor: EXTERNAL_MEMORY_FACTOR, slackMb: HOST_SLACK_MB };
      this.kill(p.slot, failures.processMemory(p.msg.loss, state, grewMb, budget, probeInput(p)).detail);
    }
    this.memoryStopped = true;
  }
}

/**
 * The input of the call in progress: a guarded call's own input, else (the scalar SGD kernels,
 * whose calls are not guarded one by one) the trial's iterate; none outside the user's code.
 */
function probeInput(p: Pending): number[] | undefined {
  if (p.msg.type !== 'task' || Atomics.load(p.i32, SHARED_HEARTBEAT_INDEX) <= 1) return undefined;
  const dim = Math.max(1, p.msg.config.dim);
  if (Atomics.load(p.i32, SHARED_CALL_INDEX) === 1) return Array.from(new Float64Array(p.msg.shared, sharedCallOffset(dim), dim));
  if (Atomics.load(p.i32, SHARED_STATE_INDEX) !== WORKER_STATE.user) return undefined;
  return Array.from(new Float64Array(p.msg.shared, SHARED_INPUT_OFFSET, dim));
}
