/**
 * Merging the parts of a sharded sweep (`sgd-landscape merge`) into the result the unsharded
 * sweep writes, with every problem named by its file. The grid and the cells: sweep.ts.
 */
import { assembleSweep, sweepPoints, shardRange, type SweepCell, type SweepPoint, type SweepResult, type SweepTiming } from './sweep';

/** A part that cannot be merged, named by its file. */
export class SweepMergeError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'SweepMergeError';
  }
}

/** The first path where two JSON values differ, e.g. `stages[0].lr`, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return path || '(the whole value)';
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    const d = firstDifference(ra[k], rb[k], path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const samePoint = (c: SweepCell, p: SweepPoint) => c.lr === p.lr && c.radius === p.radius && c.steps === p.steps && c.trials === p.trials;

/**
 * Merges the parts of a sharded sweep (each as read from its file) into the result the unsharded
 * sweep writes: every part of the same config and shard count, every shard once, each holding
 * exactly its cells. Throws a SweepMergeError listing every problem, each naming its file.
 */
export function mergeSweeps(parts: ReadonlyArray<{ name: string; result: unknown }>): SweepResult {
  const problems: string[] = [];
  const ok: Array<{ name: string; r: SweepResult }> = [];
  for (const { name, result } of parts) {
    if (!isObject(result) || result.version !== 1 || !isObject(result.config) || !Array.isArray(result.cells)) {
      problems.push(`${name}: not a sweep result (SWEEP-RESULT.json with version 1, config and cells)`);
    } else if (!isObject(result.shard)) {
      problems.push(`${name}: a whole sweep, not a part (it has no "shard"); merge the parts written with --shard K/N`);
    } else {
      ok.push({ name, r: result as unknown as SweepResult });
    }
  }
  if (problems.length > 0 || ok.length === 0) throw new SweepMergeError(problems.length ? problems : ['no parts to merge']);
  const first = ok[0];
  const count = first.r.shard!.count;
  const byIndex = new Map<number, string>();
  for (const { name, r } of ok) {
    const diff = firstDifference(r.config, first.r.config);
    if (diff) problems.push(`${name}: its config differs from ${first.name}'s at ${diff}; parts must come from the same SWEEP.json`);
    const { index, count: n } = r.shard!;
    if (n !== count) problems.push(`${name}: shard ${index}/${n}, but ${first.name} is one of ${count} shards`);
    else if (!(Number.isInteger(index) && index >= 0 && index < count))
      problems.push(`${name}: shard index ${index} is outside 0 … ${count - 1}`);
    else if (byIndex.has(index)) problems.push(`${name}: shard ${index}/${count} again (also ${byIndex.get(index)})`);
    else byIndex.set(index, name);
  }
  if (problems.length > 0) throw new SweepMergeError(problems);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new SweepMergeError([
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} (${ok.length} parts given)`,
    ]);
  }
  const config = first.r.config;
  const points = sweepPoints(config);
  const cells: SweepCell[] = [];
  const sorted = [...ok].sort((a, b) => a.r.shard!.index - b.r.shard!.index);
  for (const { name, r } of sorted) {
    const [from, to] = shardRange(points.length, r.shard!.index, count);
    const own = r.cells as SweepCell[];
    const wrong = own.findIndex((c, i) => !isObject(c) || !points[from + i] || !samePoint(c, points[from + i]));
    if (own.length !== to - from || wrong >= 0) {
      problems.push(
        `${name}: shard ${r.shard!.index}/${count} must hold cells ${from} … ${to - 1} of ${points.length} in order; it holds ${own.length} cells${wrong >= 0 ? ` and cell ${wrong} is not the grid's cell ${from + wrong}` : ''}`,
      );
      continue;
    }
    cells.push(...own);
  }
  if (problems.length > 0) throw new SweepMergeError(problems);
  const timing: SweepTiming = {
    startedAt: sorted.map((p) => p.r.timing?.startedAt ?? '').sort()[0],
    totalMs: sorted.reduce((s, p) => s + (p.r.timing?.totalMs ?? 0), 0),
    workers: Math.max(...sorted.map((p) => p.r.timing?.workers ?? 0)),
    parts: count,
  };
  return assembleSweep(config, cells, { source: first.r.source, timing });
}
