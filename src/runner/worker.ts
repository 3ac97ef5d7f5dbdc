/**
 * Trial worker: a thin `worker_threads` wrapper over the pure engine. It loads the user's
 * bundled loss (one loss file version per worker), answers one message at a time through a table
 * with one handler per task kind of `WorkerTasks`, streams progress and the user's console output,
 * and maps a throwing loss back to the user's file and line through the bundle's source map.
 *
 * The user's code runs inside the guards of `guard.ts`: `process.exit` throws, output is captured
 * and capped, late rejections and throwing timers are reported as `fatal` (the host then stops
 * this worker), and every loss call is timed by the host through the shared heartbeat and state.
 */
import { parentPort } from 'node:worker_threads';
import { asyncFailureDetail, toFailureDetail } from './failureDetail';
import { claimRejection, inspectModule, loadLoss } from './load';
import { OutputCapture, installWorkerGuards, type Scratch } from './guard';
import { CancelledError, runTrials, type TrialHooks } from '../engine/sgd';
import { computeLandscape, smoothedGradientRows } from '../engine/landscape';
import { analyticGradient } from '../engine/differences';
import { finishRun } from '../engine/diagnostics';
import { planeDiagnostics } from '../engine/plane';
import { gaussianModelFinals, modelCovariance } from '../engine/noiseModelTrials';
import { smoothnessEstimate } from '../engine/smoothness';
import { curvatureProfile } from '../engine/suggest';
import { sweepCell, sweepTarget } from '../engine/sweep';
import { minimaForDomain } from '../engine/targets';
import { packMethodResult, unpackMethodResult } from '../engine/packedTrials';
import { unpackLandscape } from '../engine/packedLandscape';
import type { Gradient, Loss, RunConfig } from '../engine/types';
import {
  SHARED_CANCEL_INDEX,
  SHARED_HEARTBEAT_INDEX,
  SHARED_INPUT_OFFSET,
  SHARED_STATE_INDEX,
  WORKER_STATE,
  sharedCallOffset,
  type HostToWorker,
  type LossRef,
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

function post(msg: WorkerToHost, transfer?: ArrayBuffer[]): void {
  port!.postMessage(msg, transfer);
}

/** The message being answered, and the loss this worker has loaded (for late failures). */
let current: { id: number; loss: LossRef } | undefined;
let lastLoss: LossRef | undefined;

const capture = new OutputCapture(post);
installWorkerGuards(capture, (e, how) => {
  if (how === 'rejection' && claimRejection(e)) return;
  const ref = current?.loss ?? lastLoss;
  capture.flush();
  // Nothing of the user's loaded yet: our own failure, reported (never swallowed: the job would hang).
  if (!ref)
    post({
      type: 'fatal',
      error: { kind: 'engine', message: `internal error in a worker: ${e instanceof Error ? e.message : String(e)}` },
    });
  else post({ type: 'fatal', id: current?.id, error: asyncFailureDetail(e, how, ref) });
});

/** One scratch object, re-pointed at each message's shared buffer (see `Scratch`). */
const scratch: Scratch = { i32: new Int32Array(4), input: new Float64Array(1) };

/** What a handler gets beside its arguments: the loaded loss and the message's shared scratch. */
interface TaskContext {
  loss: Loss;
  grad: Gradient | undefined;
  config: RunConfig;
  /** Int32 view of the shared scratch: cancel flag, heartbeat, state. */
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
  userCode: (on) => (ctx.i32[SHARED_STATE_INDEX] = on ? WORKER_STATE.user : WORKER_STATE.engine),
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
  landscape: ({ rowFrom, rowTo, xStar, gradients }, ctx) => {
    const gradientsOut = gradients ? [] : undefined;
    const landscape = computeLandscape(ctx.loss, ctx.config, {
      xStar,
      rowFrom,
      rowTo,
      gradientsOut,
      // Row by row: progress keeps flowing on big grids, and Stop is seen.
      onRow: (done, total) => {
        if (ctx.cancelled()) throw new CancelledError();
        ctx.progress(done, total);
      },
    });
    return gradientsOut ? { landscape, gradients: gradientsOut } : { landscape };
  },
  gradients: ({ radius, noise, rowFrom, rowTo }, ctx) =>
    smoothedGradientRows(ctx.loss, ctx.config, radius, noise, rowFrom, rowTo, analyticGradient(ctx.loss, ctx.grad), (fraction) => {
      if (ctx.cancelled()) throw new CancelledError();
      ctx.progress(Math.round(fraction * 1000), 1000);
    }),
  diagnostics: ({ landscape: packed, methods, gradients, smoothness }, ctx) => {
    const landscape = unpackLandscape(packed);
    const out = finishRun(ctx.loss, ctx.grad, ctx.config, landscape, methods.map(unpackMethodResult), ctx.config.xStar, {
      gradients,
      smoothness,
      modelTrials: 'pool',
      plane: 'pool',
    });
    // The landscape sent, unchanged (1-D, 2-D): not copied back, the host has it.
    if (out.landscape !== landscape) return out;
    const { landscape: _sent, ...rest } = out;
    return rest;
  },
  plane: ({ xStar, sgd, noise }, ctx) => planeDiagnostics({ loss: ctx.loss, config: ctx.config, xStar, sgd, noise }),
  modelTrials: ({ model, from, to, starts, noise }, ctx) => {
    const fs = ctx.loss.finiteSum;
    if (!fs) throw new RangeError(`${ctx.config.function} is not a finite sum: no noise-model trials`);
    if (starts.length !== to - from) throw new RangeError(`${starts.length} starts for trials [${from}, ${to})`);
    return gaussianModelFinals(fs, ctx.config, { starts }, modelCovariance(noise, model), model, from, (done, total) => {
      if (ctx.cancelled()) throw new CancelledError();
      ctx.progress(done, total);
    });
  },
  smoothness: (_args, ctx) => smoothnessEstimate(ctx.loss, ctx.config, ctx.grad),
  curvature: (_args, ctx) => curvatureProfile(ctx.loss, ctx.config),
  sweepTarget: (_args, ctx) => sweepTarget(ctx.loss, ctx.config, ctx.grad),
  domainMinima: ({ box }, ctx) => minimaForDomain(ctx.loss, ctx.grad, ctx.config, box),
  sweepCell: ({ target, L, gd }, ctx) => {
    const sgd = runTrials(ctx.loss, ctx.grad, ctx.config, 'sgd', 0, ctx.config.trials, trialHooks(ctx, true));
    return sweepCell(ctx.config, sgd, gd, target, L);
  },
};

function dispatch<K extends TaskKind>(task: Task<K>, ctx: TaskContext): TaskResultOf<K> {
  return handlers[task.kind](task.args, ctx);
}

/** A reply and the buffers it hands over (a trial chunk's typed arrays: moved, not copied). */
interface Reply {
  msg: WorkerToHost;
  transfer?: ArrayBuffer[];
}

async function runTask(msg: RunTaskMessage, i32: Int32Array): Promise<Reply> {
  const { config } = msg;
  let lastPost = 0;
  const { loss, grad } = await loadLoss(msg.loss, config, scratch);
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
  if (msg.task.kind === 'trials') {
    const { packed, transfer } = packMethodResult(result as TaskResultOf<'trials'>, config.dim);
    const reply: ResultMessage<'trials'> = { type: 'result', id: msg.id, kind: 'trials', result: packed };
    return { msg: reply, transfer };
  }
  if (msg.task.kind === 'landscape') {
    const part = result as TaskResultOf<'landscape'>;
    const transfer = (part.gradients ?? []).flatMap((g) => [g.gradX.buffer, g.gradY.buffer] as ArrayBuffer[]);
    return { msg: { type: 'result', id: msg.id, kind: 'landscape', result: part }, transfer };
  }
  if (msg.task.kind === 'gradients') {
    const grid = result as TaskResultOf<'gradients'>;
    return {
      msg: { type: 'result', id: msg.id, kind: 'gradients', result: grid },
      transfer: [grid.gradX.buffer, grid.gradY.buffer] as ArrayBuffer[],
    };
  }
  return { msg: { type: 'result', id: msg.id, kind: msg.task.kind, result } as ResultMessage };
}

port.on('message', (msg: HostToWorker) => {
  void answer(msg);
});

async function answer(msg: HostToWorker): Promise<void> {
  const i32 = new Int32Array(msg.shared, 0, 4);
  const dim = msg.type === 'task' ? msg.config.dim : 1;
  scratch.i32 = i32;
  scratch.input = new Float64Array(msg.shared, sharedCallOffset(dim), Math.max(1, dim));
  current = { id: msg.id, loss: msg.loss };
  lastLoss = msg.loss;
  capture.begin(msg.id);
  // Picked up: the pool's stall limit can run from here (a thread's own start-up is not user code).
  Atomics.add(i32, SHARED_HEARTBEAT_INDEX, 1);
  let reply: Reply;
  try {
    reply =
      msg.type === 'inspect' ? { msg: { type: 'module', id: msg.id, info: await inspectModule(msg.loss, i32) } } : await runTask(msg, i32);
  } catch (e) {
    reply = { msg: { type: 'error', id: msg.id, error: toFailureDetail(e, msg.loss) } };
  }
  // Serializing the reply is the engine's work, never a stall of the user's code.
  Atomics.store(i32, SHARED_STATE_INDEX, WORKER_STATE.engine);
  capture.flush();
  current = undefined;
  post(reply.msg, reply.transfer);
}
