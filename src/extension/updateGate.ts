/**
 * At most one update of a kind in flight to a webview. While a run goes the host posts progress
 * (`status`, every ~100 ms) and partial results (`live`, every ~250 ms), and VS Code delivers a
 * webview's messages one after the other; with the run's workers on every core the window
 * acknowledges them slowly, so they queued, and the run's result, posted after them, waited behind
 * all of them (measured in e2e 6 on 2 cores: 5 to 8 messages in flight, each acknowledged 0.5–0.9 s
 * after it was posted, the result ~850 ms). So an update offered while another of its kind is in
 * flight is kept — only the newest — and sent when that one is delivered; the state, which carries
 * the newest status and live view itself, drops the kept ones. Pure (no `vscode`): the channel
 * gives it `send`.
 */
export class UpdateGate<T> {
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
