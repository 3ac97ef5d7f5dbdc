/**
 * Finished sweeps on disk, beside the stored runs (the workspace's storage, `sweeps/`): one
 * SWEEP-RESULT.json per sweep plus a small index, written atomically (temporary file, flush,
 * rename) like the run store's. A sweep keeps only its cells' numbers (at most 4096 cells of a
 * few hundred bytes), so there is no size cap beyond the count: the newest `MAX_STORED_SWEEPS`
 * are kept, older ones deleted. No `vscode`.
 */
import { join } from 'node:path';
import type { SweepResult } from '../engine/sweep';
import type { SweepSummary } from '../protocol/sweep';
import { nodeStoreFs, writeFileAtomic, writeQueue, type StoreFs } from './runStore';

/** How many sweeps the store keeps (newest first). */
export const MAX_STORED_SWEEPS = 20;

export interface SweepIndex {
  version: 1;
  /** Newest first. */
  sweeps: SweepSummary[];
}

const TMP = /\.tmp$/;

export class SweepStore {
  private index: SweepIndex = { version: 1, sweeps: [] };
  private loading?: Promise<SweepIndex>;
  /** Index and file writes one at a time (`writeQueue`). */
  private readonly serial = writeQueue();

  constructor(
    private readonly dir: string,
    private readonly keep = MAX_STORED_SWEEPS,
    private readonly fs: StoreFs = nodeStoreFs,
  ) {}

  load(): Promise<SweepIndex> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<SweepIndex> {
    try {
      const raw = JSON.parse(await this.fs.readFile(join(this.dir, 'index.json'))) as SweepIndex;
      if (raw && raw.version === 1 && Array.isArray(raw.sweeps)) this.index = raw;
    } catch {
      // No index yet, or unreadable: start empty.
    }
    try {
      for (const name of await this.fs.readdir(this.dir)) if (TMP.test(name)) await this.fs.rm(join(this.dir, name));
    } catch {
      // No folder yet.
    }
    return this.index;
  }

  /** Stores a finished sweep first in the index; deletes the oldest beyond `keep`. Returns the index's sweeps. */
  async add(summary: SweepSummary, result: SweepResult): Promise<SweepSummary[]> {
    await this.load();
    const text = JSON.stringify(result);
    return this.serial(async () => {
      await this.fs.mkdir(this.dir);
      await this.writeAtomic(sweepFile(summary.id), text);
      this.index.sweeps = [summary, ...this.index.sweeps.filter((s) => s.id !== summary.id)];
      const dropped = this.index.sweeps.splice(this.keep);
      await this.writeAtomic('index.json', JSON.stringify(this.index));
      for (const d of dropped) await this.fs.rm(join(this.dir, sweepFile(d.id)));
      return this.index.sweeps;
    });
  }

  /** A stored sweep by id; undefined for an id the index does not list, or an unreadable file. */
  async get(id: string): Promise<SweepResult | undefined> {
    await this.load();
    if (!this.index.sweeps.some((s) => s.id === id)) return undefined;
    try {
      return JSON.parse(await this.fs.readFile(join(this.dir, sweepFile(id)))) as SweepResult;
    } catch {
      return undefined;
    }
  }

  private writeAtomic(name: string, text: string): Promise<void> {
    return writeFileAtomic(this.fs, join(this.dir, name), text);
  }
}

function sweepFile(id: string): string {
  return `${id.replace(/[^\w.-]/g, '_')}.json`;
}
