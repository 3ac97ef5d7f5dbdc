/**
 * At most one live update in flight to a webview. Partial results come every ~250 ms, and VS Code
 * delivers a webview's messages one after the other; when one takes longer than that to deliver
 * (a large run's partial view, a busy window), the updates queued, and the run's result, posted
 * after them, waited behind all of them (measured in e2e 6: each acknowledged ~250 ms after the
 * one before, the result ~850 ms after it was posted). So an update offered while another is in
 * flight is kept — only the newest — and sent when that one is delivered; the state, which carries
 * the newest live view itself, drops the kept one. Pure (no `vscode`): the channel gives it `send`.
 */
export class LiveGate<T> {
  private inFlight = false;
  private kept: T | undefined;

  /** `send` posts an update; its promise settles when the webview has it (VS Code's `postMessage`). */
  constructor(private readonly send: (update: T) => PromiseLike<unknown>) {}

  /** Sends `update` now, or keeps it (instead of any kept before) until the one in flight is delivered. */
  offer(update: T): void {
    if (this.inFlight) this.kept = update;
    else this.start(update);
  }

  /** Forgets the kept update: what is posted next carries a newer one. */
  drop(): void {
    this.kept = undefined;
  }

  private start(update: T): void {
    this.inFlight = true;
    const delivered = () => {
      this.inFlight = false;
      const next = this.kept;
      this.kept = undefined;
      if (next !== undefined) this.start(next);
    };
    this.send(update).then(delivered, delivered);
  }
}
