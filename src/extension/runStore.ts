/**
 * Results of the last runs on disk (the workspace's `context.storageUri`): one JSON file per
 * run plus a small index. Results can be megabytes, so they never go into a memento. No
 * `vscode` import. Writes go to a temp file and are renamed, so a crash mid-write never leaves
 * a half index. Plain JSON: a NaN in a result (e.g. c(y) at x* itself) reads back as null.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentResult } from '../engine/types';
import type { RunSummary } from '../protocol/webview';
import type { RunRequest } from './runSession';

export interface StoreIndex {
  version: 1;
  /** Newest first. */
  runs: RunSummary[];
  /** The request of the last run started (repeatable by "Re-run last experiment"). */
  lastRequest?: RunRequest;
}

export class RunStore {
  private index: StoreIndex = { version: 1, runs: [] };
  private loaded = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly keep = 10,
  ) {}

  async load(): Promise<StoreIndex> {
    if (this.loaded) return this.index;
    try {
      const raw = JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as StoreIndex;
      if (raw && raw.version === 1 && Array.isArray(raw.runs)) this.index = raw;
    } catch {
      // No index yet, or unreadable: start empty.
    }
    this.loaded = true;
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
    await this.saveIndex();
  }

  /** Saves a result and puts it first in the index; drops the oldest beyond `keep`. */
  async add(summary: RunSummary, result: ExperimentResult): Promise<void> {
    await this.load();
    await mkdir(this.dir, { recursive: true });
    await atomicWrite(join(this.dir, `${safeId(summary.id)}.json`), JSON.stringify(result));
    this.index.runs = [summary, ...this.index.runs.filter((r) => r.id !== summary.id)];
    const dropped = this.index.runs.splice(this.keep);
    await this.saveIndex();
    for (const d of dropped) await rm(join(this.dir, `${safeId(d.id)}.json`), { force: true });
  }

  async get(id: string): Promise<ExperimentResult | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, `${safeId(id)}.json`), 'utf8')) as ExperimentResult;
    } catch {
      return undefined;
    }
  }

  private async saveIndex(): Promise<void> {
    // Serialise index writes: two runs finishing together must not interleave renames.
    const next = this.writing.then(async () => {
      await mkdir(this.dir, { recursive: true });
      await atomicWrite(join(this.dir, 'index.json'), JSON.stringify(this.index));
    });
    this.writing = next.catch(() => undefined);
    await next;
  }
}

let counter = 0;

async function atomicWrite(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

function safeId(id: string): string {
  return id.replace(/[^\w.-]/g, '_');
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
 * CSV of a result: one row per trial and method, with the start x_0, the final y_T, f(y_T)
 * and whether the trial diverged.
 */
export function resultToCsv(result: ExperimentResult): string {
  const d = result.config.dim;
  const axis = (p: string) => Array.from({ length: d }, (_, i) => `${p}_${i + 1}`);
  const rows = [['method', 'trial', ...axis('start'), ...axis('final_y'), 'f_final', 'diverged'].join(',')];
  const methods: Array<['sgd' | 'gd', ExperimentResult['sgd'] | undefined]> = [
    ['sgd', result.sgd],
    ['gd', result.gd],
  ];
  for (const [name, m] of methods) {
    if (!m) continue;
    for (let k = 0; k < m.finals.length; k++) {
      const start = m.starts[k] ?? [];
      rows.push(
        [
          name,
          k,
          ...axis('').map((_, i) => num(start[i])),
          ...axis('').map((_, i) => num(m.finals[k][i])),
          num(m.finalLoss[k]),
          m.divergedMask[k] ? 'true' : 'false',
        ].join(','),
      );
    }
  }
  return rows.join('\n') + '\n';
}

/** Missing → empty cell; NaN and ±Infinity spelled out. */
function num(v: number | null | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}
