/**
 * Trial worker: a thin `worker_threads` wrapper over the pure engine. It loads the user's
 * bundled loss (cached per bundle path), runs one task per message, streams progress, and maps
 * a throwing loss back to the user's file and line through the bundle's source map.
 */
import { parentPort } from 'node:worker_threads';
import { inspectModule, loadLoss, toUserError } from './load';
import { runTrials } from '../engine/sgd';
import { computeLandscape, mergeLandscapes } from '../engine/landscape';
import { computeDiagnostics } from '../engine/diagnostics';
import {
  SHARED_CANCEL_INDEX,
  SHARED_HEARTBEAT_INDEX,
  SHARED_INPUT_OFFSET,
  type RunTaskMessage,
  type TaskResult,
  type WorkerToHost,
} from '../protocol/worker';
import type { Landscape } from '../engine/types';

process.setSourceMapsEnabled(true);

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

function post(msg: WorkerToHost): void {
  port!.postMessage(msg);
}

function landscapeRows(config: RunTaskMessage['config']): number {
  if (config.dim === 1) return config.resolution;
  if (config.dim === 2) return config.resolution;
  return config.sliceDirections?.length ?? config.slices;
}

function runTask(msg: RunTaskMessage): TaskResult {
  const { config, task, loss: ref } = msg;
  const i32 = new Int32Array(msg.shared, 0, 2);
  const probe = new Float64Array(msg.shared, SHARED_INPUT_OFFSET, Math.max(1, config.dim));
  const cancelled = () => Atomics.load(i32, SHARED_CANCEL_INDEX) === 1;
  // Picked up: the pool's stall limit runs from here (a thread's own start-up is not user code).
  Atomics.add(i32, SHARED_HEARTBEAT_INDEX, 1);
  if (task.kind === 'inspect') return { kind: 'inspect', result: inspectModule(ref) };
  const { loss, grad } = loadLoss(ref, config);
  switch (task.kind) {
    case 'trials': {
      const result = runTrials(loss, grad, config, task.method, task.from, task.to, {
        probe,
        heartbeat: i32,
        heartbeatIndex: SHARED_HEARTBEAT_INDEX,
        cancelled,
        onProgress: (done, total) => post({ type: 'progress', id: msg.id, done, total }),
      });
      return { kind: 'trials', result };
    }
    case 'landscape': {
      // A few rows at a time so progress (and the heartbeat) keeps flowing on big grids.
      const total = task.rowTo - task.rowFrom;
      const parts: Landscape[] = [];
      const chunk = Math.max(1, Math.ceil(landscapeRows(config) / 100));
      for (let r = task.rowFrom; r < task.rowTo; r += chunk) {
        if (cancelled()) throw Object.assign(new Error('cancelled'), { name: 'CancelledError' });
        const rowTo = Math.min(task.rowTo, r + chunk);
        parts.push(computeLandscape(loss, config, { xStar: task.xStar, rowFrom: r, rowTo }));
        Atomics.add(i32, SHARED_HEARTBEAT_INDEX, 1);
        post({ type: 'progress', id: msg.id, done: rowTo - task.rowFrom, total });
      }
      return { kind: 'landscape', result: parts.length === 1 ? parts[0] : mergeLandscapes(parts) };
    }
    case 'diagnostics': {
      const result = computeDiagnostics(loss, grad, config, task.landscape, task.sgd, task.gd, config.xStar);
      return { kind: 'diagnostics', result };
    }
  }
}

port.on('message', (msg: RunTaskMessage) => {
  if (msg?.type !== 'task') return;
  try {
    const result = runTask(msg);
    post({ type: 'result', id: msg.id, result });
  } catch (e) {
    post({ type: 'error', id: msg.id, error: toUserError(e, msg.loss) });
  }
});
