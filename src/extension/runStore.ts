/**
 * Results of the last runs on disk (the workspace's `context.storageUri`): one JSON file per run
 * plus a small index. Results can be megabytes, so they never go into a memento. No `vscode`.
 *
 * - Atomic: every file (the index and each run) is written to a temporary file in the same folder,
 *   flushed, then renamed over the old one, so a crash mid-write leaves the previous file whole;
 *   leftovers of such a crash (temporary files, a run file the index never listed) are removed
 *   on the next load.
 * - Bounded in number: the newest `MAX_STORED_RUNS` runs are kept, older ones deleted.
 * - Bounded in size: a run whose JSON would exceed `MAX_RUN_BYTES` is stored without its
 *   per-trial checkpoints and gradient norms (the charts never need them; the diagnostics already
 *   summarise them), and refused with `RunTooLarge` when even that is too big. The run stays on
 *   screen either way; only re-opening it later is affected.
 *
 * Plain JSON: a NaN in a result (e.g. c(y) at x* itself) reads back as null.
 */
import { open, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fromResultFile, toResultFile, type ResultFile } from '../engine/resultFile';
import type { ExperimentResult, MethodResult } from '../engine/types';
import type { RunSummary } from '../protocol/webview';
import type { RunRequest } from './runSession';

/** How many runs the store keeps (newest first); older runs are deleted. */
export const MAX_STORED_RUNS = 10;
/** Largest run file (bytes of JSON); at most MAX_STORED_RUNS × this on disk, plus the index. */
export const MAX_RUN_BYTES = 16 * 1024 * 1024;

export interface StoreIndex {
  version: 1;
  /** Newest first. */
  runs: RunSummary[];
  /** The request of the last run started (repeatable by "Re-run last experiment"). */
  lastRequest?: RunRequest;
}

/** The file operations the store needs (tests inject failures between write and rename). */
export interface StoreFs {
  mkdir(path: string): Promise<void>;
  readFile(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  /** Writes and flushes `text` to a new file `path`. */
  writeFile(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string): Promise<void>;
}

export const nodeStoreFs: StoreFs = {
  mkdir: async (path) => void (await mkdir(path, { recursive: true })),
  readFile: (path) => readFile(path, 'utf8'),
  readdir: (path) => readdir(path),
  async writeFile(path, text) {
    const file = await open(path, 'wx');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
  },
  rename: (from, to) => rename(from, to),
  rm: (path) => rm(path, { force: true }),
};

/** A run too large to store even without its per-trial data. */
export class RunTooLarge extends Error {
  constructor(
    readonly runId: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `run ${runId} was not stored: its result takes ${mib(bytes)} even without per-trial checkpoints, over the ${mib(limit)} limit of stored runs. It stays on screen until another run replaces it; use "SGD Landscape: Export results" to keep it.`,
    );
    this.name = 'RunTooLarge';
  }
}

/** What `add` did: the index's runs afterwards, and whether the run was stored slimmed. */
export interface StoreOutcome {
  runs: RunSummary[];
  slimmed: boolean;
  bytes: number;
}

const TMP = /\.tmp$/;

export class RunStore {
  private index: StoreIndex = { version: 1, runs: [] };
  /** The first load, shared by every caller (a second caller must not see an empty index). */
  private loading?: Promise<StoreIndex>;
  /** Index and file writes one at a time (`writeQueue`). */
  private readonly serial = writeQueue();
  private readonly fs: StoreFs;
  private readonly maxRunBytes: number;

  constructor(
    private readonly dir: string,
    private readonly keep = MAX_STORED_RUNS,
    options: { maxRunBytes?: number; fs?: StoreFs } = {},
  ) {
    this.fs = options.fs ?? nodeStoreFs;
    this.maxRunBytes = options.maxRunBytes ?? MAX_RUN_BYTES;
  }

  load(): Promise<StoreIndex> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<StoreIndex> {
    // Whether the index is known: read, or not there at all. Only then are unlisted runs orphans.
    let known = false;
    try {
      const raw = JSON.parse(await this.fs.readFile(join(this.dir, 'index.json'))) as StoreIndex;
      if (raw && raw.version === 1 && Array.isArray(raw.runs)) {
        this.index = raw;
        known = true;
      }
    } catch (e) {
      // No index yet, or unreadable: start empty.
      known = (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    // Leftovers of a write that never finished (the window closed or crashed mid-write): temporary
    // files never renamed, and a run file renamed into place before its index entry was written.
    // Such a run can never be opened, and it would escape the bound on the number of runs.
    const listed = new Set(['index.json', ...this.index.runs.map((r) => runFile(r.id))]);
    try {
      for (const name of await this.fs.readdir(this.dir)) {
        if (TMP.test(name) || (known && name.endsWith('.json') && !listed.has(name))) await this.fs.rm(join(this.dir, name));
      }
    } catch {
      // No folder yet.
    }
    return this.index;
  }

  get runs(): RunSummary[] {
    return this.index.runs;
  }

  get lastRequest(): RunRequest | undefined {
    return this.index.lastRequest;
  }

  async setLastRequest(req: RunRequest): Promise<void> {
    await this.load();
    this.index.lastRequest = req;
    await this.serial(() => this.writeIndex());
  }

  /**
   * Saves a result and puts it first in the index; deletes the oldest beyond `keep`. Throws
   * RunTooLarge (and stores nothing) when the result does not fit in `maxRunBytes`.
   */
  async add(summary: RunSummary, result: ExperimentResult): Promise<StoreOutcome> {
    await this.load();
    const { text, slimmed, bytes } = this.serialize(summary.id, result);
    const entry: RunSummary = slimmed ? { ...summary, slimmed: true } : summary;
    return this.serial(async () => {
      await this.fs.mkdir(this.dir);
      await this.writeAtomic(runFile(summary.id), text);
      this.index.runs = [entry, ...this.index.runs.filter((r) => r.id !== summary.id)];
      const dropped = this.index.runs.splice(this.keep);
      await this.writeIndex();
      for (const d of dropped) await this.fs.rm(join(this.dir, runFile(d.id)));
      return { runs: this.index.runs, slimmed, bytes };
    });
  }

  /** A stored run by id; undefined for an id the index does not list, or an unreadable file. */
  async get(id: string): Promise<ExperimentResult | undefined> {
    await this.load();
    if (!this.index.runs.some((r) => r.id === id)) return undefined;
    try {
      return fromResultFile(JSON.parse(await this.fs.readFile(join(this.dir, runFile(id)))) as ResultFile);
    } catch {
      return undefined;
    }
  }

  /** The JSON to store: the whole result, or without per-trial data when that is too big. */
  private serialize(id: string, result: ExperimentResult): { text: string; slimmed: boolean; bytes: number } {
    // Every number takes at least two characters ("0,"), so a result with more per-trial numbers
    // than half the limit cannot fit whole: do not build that string at all.
    if (2 * perTrialNumbers(result) <= this.maxRunBytes) {
      let full: string | undefined;
      try {
        full = JSON.stringify(toResultFile(result));
      } catch (e) {
        if (!(e instanceof RangeError)) throw e; // longer than a string can be
      }
      const bytes = full === undefined ? Infinity : Buffer.byteLength(full);
      if (full !== undefined && bytes <= this.maxRunBytes) return { text: full, slimmed: false, bytes };
    }
    const slim = JSON.stringify(toResultFile(slimmed(result)));
    const bytes = Buffer.byteLength(slim);
    if (bytes > this.maxRunBytes) throw new RunTooLarge(id, bytes, this.maxRunBytes);
    return { text: slim, slimmed: true, bytes };
  }

  private writeIndex(): Promise<void> {
    return this.fs.mkdir(this.dir).then(() => this.writeAtomic('index.json', JSON.stringify(this.index)));
  }

  private writeAtomic(name: string, text: string): Promise<void> {
    return writeFileAtomic(this.fs, join(this.dir, name), text);
  }
}

let counter = 0;

/**
 * A queue that runs a store's writes one at a time, in the order asked: two runs (or sweeps)
 * finishing together must not interleave their index and file writes; a failed write does not
 * stop the next.
 */
export function writeQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let writing: Promise<unknown> = Promise.resolve();
  return (work) => {
    const next = writing.then(work);
    writing = next.catch(() => undefined);
    return next;
  };
}

/** Writes `text` to a temporary file beside `path`, then renames it over `path` (no torn file). */
export async function writeFileAtomic(fs: StoreFs, path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  await fs.writeFile(tmp, text);
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp).catch(() => undefined);
    throw e;
  }
}

function runFile(id: string): string {
  return `${id.replace(/[^\w.-]/g, '_')}.json`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Numbers in the per-trial arrays that a slimmed run leaves out. */
function perTrialNumbers(result: ExperimentResult): number {
  let n = 0;
  // Each method once, as RESULT.json version 3 writes them (`sgd` and `gd` are two of `methods`).
  for (const m of result.methods ?? [result.sgd, result.gd]) {
    if (!m) continue;
    for (const trial of m.checkpoints) for (const x of trial) n += x.length;
    for (const trial of m.stochasticGradNorm) n += trial.length;
  }
  return n;
}

function slimMethod<M extends MethodResult>(m: M): M {
  return { ...m, checkpoints: [], stochasticGradNorm: [] };
}

/** The result without per-trial checkpoints and stochastic-gradient norms (see the file comment). */
export function slimmed(result: ExperimentResult): ExperimentResult {
  const out: ExperimentResult = { ...result, sgd: slimMethod(result.sgd), ...(result.gd ? { gd: slimMethod(result.gd) } : {}) };
  if (result.methods) out.methods = result.methods.map(slimMethod);
  return out;
}

/** A short id that sorts by time. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace('.', '')}-${Math.random().toString(36).slice(2, 6)}`;
}

export function summarize(id: string, result: ExperimentResult, request: Pick<RunRequest, 'file' | 'exportName' | 'mode'>): RunSummary {
  const base = request.file.split(/[\\/]/).pop() ?? request.file;
  const mode = request.mode === 'gdVsSgd' ? ' (GD vs SGD)' : request.mode === 'landscape' ? ' (landscape)' : '';
  const s0 = result.config.stages[0];
  const sched = result.config.stages.length > 1 ? `${result.config.stages.length} stages` : `η=${s0.lr} a=${s0.radius} ${s0.noise}`;
  return {
    id,
    label: `${request.exportName}${mode} — ${base}, ${sched}`,
    file: request.file,
    exportName: request.exportName,
    startedAt: result.startedAt,
    dim: result.config.dim,
    trials: result.config.trials,
    successSgd: result.diagnostics.successSgd,
    successGd: result.diagnostics.successGd,
    c: result.diagnostics.c,
    diverged: result.diverged,
  };
}

/**
 * CSV of a result: one row per trial and method, with the start x_0, the final, f there and
 * whether the trial diverged. The paper's pair (`sgd`, `gd`) is named by its role; other methods
 * by their name. A run with only SGD and GD keeps the columns it always had (`final_y_i`: y_T);
 * with other optimizers the columns are `final_i` and `final_point` says which point each row
 * holds (`y_T` for SGD/GD, `x_T` for the others).
 */
export function resultToCsv(result: ExperimentResult): string {
  const d = result.config.dim;
  const axis = (p: string) => Array.from({ length: d }, (_, i) => `${p}_${i + 1}`);
  const runs: Array<{ name: string; m: MethodResult }> = result.methods
    ? result.methods.map((m) => ({ name: m.role ?? m.name, m }))
    : [{ name: 'sgd', m: result.sgd }, ...(result.gd ? [{ name: 'gd', m: result.gd }] : [])];
  const mixed = runs.some(({ m }) => m.finalsAre === 'x_T');
  const rows = [
    [
      'method',
      'trial',
      ...axis('start'),
      ...axis(mixed ? 'final' : 'final_y'),
      'f_final',
      'diverged',
      ...(mixed ? ['final_point'] : []),
    ].join(','),
  ];
  for (const { name, m } of runs) {
    for (let k = 0; k < m.finals.length; k++) {
      const start = m.starts[k] ?? [];
      rows.push(
        [
          csvText(name),
          k,
          ...axis('').map((_, i) => num(start[i])),
          ...axis('').map((_, i) => num(m.finals[k][i])),
          num(m.finalLoss[k]),
          m.divergedMask[k] ? 'true' : 'false',
          ...(mixed ? [m.finalsAre] : []),
        ].join(','),
      );
    }
  }
  return rows.join('\n') + '\n';
}

/** A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break. */
function csvText(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Missing → empty cell; NaN and ±Infinity spelled out. */
function num(v: number | null | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}
