/**
 * The worker pool's scheduler: worker slots (started lazily or by `prestart`, at most `size`), a FIFO queue of
 * jobs, a watchdog (`watchdog.ts`), and killing and replacing a worker. It knows messages and failures, not
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
 *
 * A little over our ~350-line habit on purpose: it is one class whose parts (the queue, the slots
 * and each worker's messages, errors and exit) all change the same three collections of jobs and
 * workers; the parts that stand alone are already out (the watchdog and memory budget in
 * watchdog.ts, the failures' messages in failure.ts, the experiment plan in plan.ts).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../engine/types';
import { RunFailure, failures } from './failure';
import { EXTERNAL_MEMORY_FACTOR, Watchdog, probeInput, type Owner, type Pending, type Slot } from './watchdog';
import {
  SHARED_CANCEL_INDEX,
  SHARED_STATE_INDEX,
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
export { EXTERNAL_MEMORY_FACTOR };

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

export type { Owner };
const INSPECT: Owner = Object.freeze({ inspect: true });

export class Scheduler {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Set<Pending>();
  private readonly jobs = new WeakMap<Job<unknown>, Pending>();
  private nextId = 1;
  private readonly watchdog: Watchdog;
  private disposed = false;

  constructor(private readonly opts: SchedulerOptions = {}) {
    this.size = opts.workers && opts.workers > 0 ? opts.workers : Math.max(1, availableParallelism());
    this.watchdog = new Watchdog({
      running: this.running,
      active: () => this.running.size > 0 || this.queue.length > 0,
      // The pool's own size at most: a replacement started early (`prestart(1)`) holds no user data.
      workers: () => Math.min(this.slots.length, this.size),
      memoryLimitMb: opts.memoryLimitMb,
      kill: (slot, reason) => this.kill(slot, reason),
    });
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

  /**
   * Starts fresh workers now, up to `size` in all (`size + extra`), so that their start-up (loading
   * worker.js, 0.15-0.3 s each) overlaps with the caller's own work, such as bundling; idle and
   * `unref`ed until a job takes them. They have loaded no module, so any job may take one:
   * isolation holds. `extra` 1: the replacement of a worker that the work now queued will retire
   * (see `ExperimentRunner.batch`'s `beforeRun`), started while that work runs.
   */
  prestart(extra = 0): void {
    while (!this.disposed && this.slots.length < this.size + extra) this.spawn().worker.unref();
  }

  /** Terminates all workers; every queued or running job fails as cancelled. */
  dispose(): void {
    this.disposed = true;
    this.watchdog.stop();
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
    if (this.running.size || this.queue.length) this.watchdog.start();
    else this.watchdog.stop();
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
}
