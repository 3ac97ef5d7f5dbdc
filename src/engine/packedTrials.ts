/**
 * A trial chunk's result (`MethodResult`) as flat typed arrays, the form in which a trial worker
 * sends it to the host (issue 15): the per-trial arrays of d numbers (finals, finalX, starts,
 * stageFinals, snapshots) and the per-trial scalars become Float64Arrays and a Uint8Array, each on
 * its own ArrayBuffer, so the worker hands them over in the transfer list instead of structured-
 * cloning thousands of small arrays (the host then idles less on deserializing, and the workers
 * less on waiting for it). The few sampled trials' series (paths, checkpoints, gradient norms) and
 * the Figure 5 sums stay as they are: they are small.
 *
 * Unpacking gives back the same MethodResult, number for number (a Float64Array holds every
 * double, −0 and NaN included); a snapshot of a trial that had diverged stays null. The host
 * sends the diagnostics task its methods packed too (`diagnosticsInput`, whose finalX and starts
 * may be empty: they stay empty): cloning 40 000 two-number arrays at 10000 trials with GD took
 * ~150 ms on the host and ~200 ms in the worker, a few typed arrays take a copy each.
 */
import type { MethodResult } from './resultTypes';

/** A MethodResult of `trials` trials in `dim` dimensions, its per-trial data flat. */
export interface PackedMethodResult extends Pick<
  MethodResult,
  | 'finalsAre'
  | 'diverged'
  | 'paths'
  | 'pathTrials'
  | 'pathSteps'
  | 'snapshotSteps'
  | 'checkpoints'
  | 'checkpointSteps'
  | 'stochasticGradNorm'
  | 'figure5'
  | 'checkpointX'
  | 'checkpointGrad2'
> {
  packed: 'trials/1';
  trials: number;
  dim: number;
  /** Trial t's point at [t·dim, (t + 1)·dim). */
  finals: Float64Array;
  finalX: Float64Array;
  starts: Float64Array;
  finalLoss: Float64Array;
  /** 1 where the trial diverged. */
  divergedMask: Uint8Array;
  /** Stage k, trial t at [(k·trials + t)·dim, …). */
  stageFinals: Float64Array;
  stages: number;
  /** Snapshot s, trial t at [(s·trials + t)·dim, …); `snapshotNull[s·trials + t]` = 1 where it is null. */
  snapshots: Float64Array;
  snapshotNull: Uint8Array;
}

/** Whether `v` is a packed trial result (a result message's payload for a `trials` task). */
export function isPackedMethodResult(v: unknown): v is PackedMethodResult {
  return typeof v === 'object' && v !== null && (v as { packed?: unknown }).packed === 'trials/1';
}

function flat(rows: ReadonlyArray<ArrayLike<number>>, dim: number, into: Float64Array, at = 0): void {
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t];
    if (r.length !== dim) throw new RangeError(`a trial's point has ${r.length} numbers, not ${dim}`);
    for (let j = 0; j < dim; j++) into[at + t * dim + j] = r[j];
  }
}

function rows(src: Float64Array, count: number, dim: number, at = 0): number[][] {
  const out = new Array<number[]>(count);
  for (let t = 0; t < count; t++) {
    const r = new Array<number>(dim);
    const o = at + t * dim;
    for (let j = 0; j < dim; j++) r[j] = src[o + j];
    out[t] = r;
  }
  return out;
}

/**
 * `r` packed (its per-trial arrays copied into fresh typed arrays; `checkpointX` and
 * `checkpointGrad2` taken as they are), and the buffers to transfer: after posting them with
 * this list, neither `r`'s typed arrays nor the packed ones may be used by the sender.
 */
export function packMethodResult(r: MethodResult, dim: number): { packed: PackedMethodResult; transfer: ArrayBuffer[] } {
  const n = r.finals.length;
  const S = r.snapshotSteps.length;
  const K = r.stageFinals.length;
  const finals = new Float64Array(n * dim);
  // finalX and starts may be empty where their reader does not need them (`diagnosticsInput`).
  const finalX = new Float64Array(r.finalX.length * dim);
  const starts = new Float64Array(r.starts.length * dim);
  const finalLoss = Float64Array.from(r.finalLoss);
  const divergedMask = Uint8Array.from(r.divergedMask, (b) => (b ? 1 : 0));
  const stageFinals = new Float64Array(K * n * dim);
  const snapshots = new Float64Array(S * n * dim);
  const snapshotNull = new Uint8Array(S * n);
  flat(r.finals, dim, finals);
  flat(r.finalX, dim, finalX);
  flat(r.starts, dim, starts);
  for (let k = 0; k < K; k++) flat(r.stageFinals[k], dim, stageFinals, k * n * dim);
  for (let s = 0; s < S; s++) {
    const at = r.snapshots[s];
    for (let t = 0; t < n; t++) {
      const p = at[t];
      if (p === null || p === undefined) snapshotNull[s * n + t] = 1;
      else for (let j = 0; j < dim; j++) snapshots[(s * n + t) * dim + j] = p[j];
    }
  }
  const packed: PackedMethodResult = {
    packed: 'trials/1',
    trials: n,
    dim,
    stages: K,
    finalsAre: r.finalsAre,
    diverged: r.diverged,
    paths: r.paths,
    pathTrials: r.pathTrials,
    pathSteps: r.pathSteps,
    snapshotSteps: r.snapshotSteps,
    checkpoints: r.checkpoints,
    checkpointSteps: r.checkpointSteps,
    stochasticGradNorm: r.stochasticGradNorm,
    finals,
    finalX,
    starts,
    finalLoss,
    divergedMask,
    stageFinals,
    snapshots,
    snapshotNull,
  };
  const transfer: ArrayBuffer[] = [finals, finalX, starts, finalLoss, divergedMask, stageFinals, snapshots, snapshotNull].map(
    (a) => a.buffer as ArrayBuffer,
  );
  if (r.figure5) packed.figure5 = r.figure5;
  for (const key of ['checkpointX', 'checkpointGrad2'] as const) {
    const a = r[key];
    if (!a) continue;
    // Transfer takes the whole buffer: a view of part of one is copied first.
    const own = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !transfer.includes(a.buffer as ArrayBuffer) ? a : a.slice();
    packed[key] = own;
    if (own.buffer instanceof ArrayBuffer) transfer.push(own.buffer);
  }
  return { packed, transfer };
}

/** The MethodResult `p` was packed from. */
export function unpackMethodResult(p: PackedMethodResult): MethodResult {
  const { trials: n, dim, stages: K } = p;
  const S = p.snapshotSteps.length;
  const divergedMask = new Array<boolean>(n);
  for (let t = 0; t < n; t++) divergedMask[t] = p.divergedMask[t] === 1;
  const snapshots: Array<Array<number[] | null>> = [];
  for (let s = 0; s < S; s++) {
    const at: Array<number[] | null> = rows(p.snapshots, n, dim, s * n * dim);
    for (let t = 0; t < n; t++) if (p.snapshotNull[s * n + t] === 1) at[t] = null;
    snapshots.push(at);
  }
  const out: MethodResult = {
    finals: rows(p.finals, n, dim),
    finalsAre: p.finalsAre,
    finalX: rows(p.finalX, p.finalX.length / dim, dim),
    finalLoss: Array.from(p.finalLoss),
    divergedMask,
    diverged: p.diverged,
    starts: rows(p.starts, p.starts.length / dim, dim),
    paths: p.paths,
    pathTrials: p.pathTrials,
    pathSteps: p.pathSteps,
    snapshots,
    snapshotSteps: p.snapshotSteps,
    checkpoints: p.checkpoints,
    checkpointSteps: p.checkpointSteps,
    stochasticGradNorm: p.stochasticGradNorm,
    stageFinals: Array.from({ length: K }, (_, k) => rows(p.stageFinals, n, dim, k * n * dim)),
  };
  if (p.figure5) out.figure5 = p.figure5;
  if (p.checkpointX) out.checkpointX = p.checkpointX;
  if (p.checkpointGrad2) out.checkpointGrad2 = p.checkpointGrad2;
  return out;
}
