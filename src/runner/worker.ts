/**
 * Trial worker: a thin `worker_threads` wrapper over the pure engine. It loads the user's
 * bundled loss (cached per bundle path), answers one message at a time through a table with one
 * handler per task kind of `WorkerTasks`, streams progress, and maps a throwing loss back to the
 * user's file and line through the bundle's source map.
 */
import { parentPort } from 'node:worker_threads';
import { inspectModule, loadLoss, toFailureDetail } from './load';
import { CancelledError, runTrials, type TrialHooks } from '../engine/sgd';
import { computeLandscape } from '../engine/landscape';
import { computeDiagnostics } from '../engine/diagnostics';
import { estimateSmoothness } from '../engine/smoothness';
import { sweepCell, sweepTarget } from '../engine/sweep';
import type { Gradient, Loss, RunConfig } from '../engine/types';
import {
  SHARED_CANCEL_INDEX,
  SHARED_HEARTBEAT_INDEX,
  SHARED_INPUT_OFFSET,
  type HostToWorker,
  type ResultMessage,
  type RunTaskMessage,
  type Task,
  type TaskArgs,
  type TaskKind,
  type TaskResultOf,
  type WorkerToHost,
} from '../protocol/worker';

process.setSourceMapsEnabled(true);

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

function post(msg: WorkerToHost): void {
  port!.postMessage(msg);
}

/** What a handler gets beside its arguments: the loaded loss and the message's shared scratch. */
interface TaskContext {
  loss: Loss;
  grad: Gradient | undefined;
  config: RunConfig;
  /** Int32 view of the shared scratch: cancel flag and heartbeat. */
  i32: Int32Array;
  /** Where a trial task keeps its iterate (shared with the host's watchdog). */
  probe: Float64Array;
  cancelled(): boolean;
  /** Posts progress for this message, at most every 100 ms and always at the end. */
  progress(done: number, total: number): void;
}

type Handlers = { [K in TaskKind]: (args: TaskArgs<K>, ctx: TaskContext) => TaskResultOf<K> };

/** The hooks of a trial task: the shared iterate and heartbeat, cancel, progress. */
const trialHooks = (ctx: TaskContext, lean?: boolean): TrialHooks => ({
  probe: ctx.probe,
  heartbeat: ctx.i32,
  heartbeatIndex: SHARED_HEARTBEAT_INDEX,
  cancelled: ctx.cancelled,
  onProgress: ctx.progress,
  lean,
});

const handlers: Handlers = {
  trials: ({ method, from, to, lean }, ctx) => {
    const spec = typeof method === 'number' ? ctx.config.methods[method] : method;
    if (!spec) throw new RangeError(`no method ${method} in the run (${ctx.config.methods.length} methods)`);
    return runTrials(ctx.loss, ctx.grad, ctx.config, spec, from, to, trialHooks(ctx, lean));
  },
  landscape: ({ rowFrom, rowTo, xStar }, ctx) =>
    computeLandscape(ctx.loss, ctx.config, {
      xStar,
      rowFrom,
      rowTo,
      // Row by row: progress and the heartbeat keep flowing on big grids, and Stop is seen.
      onRow: (done, total) => {
        if (ctx.cancelled()) throw new CancelledError();
        Atomics.add(ctx.i32, SHARED_HEARTBEAT_INDEX, 1);
        ctx.progress(done, total);
      },
    }),
  diagnostics: ({ landscape, methods }, ctx) => computeDiagnostics(ctx.loss, ctx.grad, ctx.config, landscape, methods, ctx.config.xStar),
  smoothness: (_args, ctx) => estimateSmoothness(ctx.loss, ctx.config),
  sweepTarget: (_args, ctx) => sweepTarget(ctx.loss, ctx.config, ctx.grad),
  sweepCell: ({ target, L, gd }, ctx) => {
    const sgd = runTrials(ctx.loss, ctx.grad, ctx.config, 'sgd', 0, ctx.config.trials, trialHooks(ctx, true));
    return sweepCell(ctx.config, sgd, gd, target, L);
  },
};

function dispatch<K extends TaskKind>(task: Task<K>, ctx: TaskContext): TaskResultOf<K> {
  return handlers[task.kind](task.args, ctx);
}

function runTask(msg: RunTaskMessage): ResultMessage {
  const { config } = msg;
  const i32 = new Int32Array(msg.shared, 0, 2);
  let lastPost = 0;
  const { loss, grad } = loadLoss(msg.loss, config);
  const result = dispatch(msg.task, {
    loss,
    grad,
    config,
    i32,
    probe: new Float64Array(msg.shared, SHARED_INPUT_OFFSET, Math.max(1, config.dim)),
    cancelled: () => Atomics.load(i32, SHARED_CANCEL_INDEX) === 1,
    progress: (done, total) => {
      const now = Date.now();
      if (done < total && now - lastPost < 100) return;
      lastPost = now;
      post({ type: 'progress', id: msg.id, done, total });
    },
  });
  return { type: 'result', id: msg.id, kind: msg.task.kind, result };
}

port.on('message', (msg: HostToWorker) => {
  // Picked up: the pool's stall limit runs from here (a thread's own start-up is not user code).
  if (msg?.shared) Atomics.add(new Int32Array(msg.shared, 0, 2), SHARED_HEARTBEAT_INDEX, 1);
  try {
    if (msg?.type === 'inspect') post({ type: 'module', id: msg.id, info: inspectModule(msg.loss) });
    else if (msg?.type === 'task') post(runTask(msg));
  } catch (e) {
    post({ type: 'error', id: msg.id, error: toFailureDetail(e, msg.loss) });
  }
});
