/**
 * Watch mode for the run service: while `sgdLandscape.watch` is on and the workspace is trusted, a
 * save of the last run's file re-runs it once the saves stop (format-on-save and save-all give one
 * run). No `vscode`.
 */
import type { Clock, HostEnvironment, Notifier } from './ports';
import type { RunRequest } from './runSession';

/** A burst of saves (format-on-save, save-all) gives one run. */
export const WATCH_DEBOUNCE_MS = 300;

export class SaveWatcher {
  private timer?: unknown;

  constructor(
    private readonly deps: { clock: Clock; env: HostEnvironment; notifier: Notifier },
    /** The log's time of day. */
    private readonly time: () => string,
  ) {}

  /** `file` was saved: re-runs `last` (the run going, else the last one started) when it is that file's. */
  saved(file: string, last: RunRequest | undefined, rerun: (request: RunRequest) => void): void {
    const { clock, env, notifier } = this.deps;
    if (!this.watching() || !env.isTrusted()) return;
    if (!last || file !== last.file) return;
    if (this.timer !== undefined) clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      notifier.log(`[${this.time()}] watch: ${env.relativePath(file)} saved, re-running ${last.exportName}`);
      rerun(last);
    }, WATCH_DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private watching(): boolean {
    try {
      return this.deps.env.readSettings().watch;
    } catch {
      return false;
    }
  }
}
