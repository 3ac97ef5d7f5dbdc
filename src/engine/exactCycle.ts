/**
 * Noise-free stages stop early, with the same numbers (issue 15). A stage of the paper's update
 * at a constant rate and without noise draws nothing from the trial's stream, and its step is a
 * function of the state (x, the last gradient, |f| of the last difference pair: the difference
 * step depends on the last two) alone. Plain GD mostly ends in an exact cycle of that state
 * within a few dozen steps: a fixed point, or x hopping between 2 to 4 neighbouring floating-point
 * numbers. Once the state after a step equals, bit for bit, the state p ≤ CYCLE_MAX steps before,
 * every later state is known, state(u) = state(u − p), and the stage's remaining steps need not run.
 */

/** Longest cycle looked for (GD on 2-D Rastrigin: period 1 in about half the trials, 2 to 4 in most of the rest). */
export const CYCLE_MAX = 4;
/** The kernel runs at most this many steps between two looks (its last CYCLE_MAX steps one at a time). */
export const CYCLE_WATCH_EVERY = 32;

/** The part of a kernel's state that decides its next step (`y` rides along for the checkpoints). */
export interface CycleState {
  x: Float64Array;
  y: Float64Array;
  g: Float64Array;
  fMag: number;
}

export class ExactCycle {
  /** States kept during one look, oldest first: x, y, g, then |f|. */
  private readonly kept: Float64Array[];
  private count = 0;
  /** The cycle's states by step modulo its period. */
  private readonly states: Float64Array[];
  /** 0 until a cycle is found. */
  period = 0;

  constructor(private readonly d: number) {
    this.kept = Array.from({ length: CYCLE_MAX + 1 }, () => new Float64Array(3 * d + 1));
    this.states = Array.from({ length: CYCLE_MAX }, () => new Float64Array(3 * d + 1));
  }

  /** A new stage (or trial): no cycle known. */
  reset(): void {
    this.period = 0;
    this.count = 0;
  }

  /** Starts a look: `s` is the state before its steps. */
  begin(s: CycleState): void {
    this.count = 0;
    this.keep(s);
  }

  /** The state after one more step of the look. */
  keep(s: CycleState): void {
    const buf = this.kept[this.count < this.kept.length ? this.count++ : this.shift()];
    const d = this.d;
    buf.set(s.x, 0);
    buf.set(s.y, d);
    buf.set(s.g, 2 * d);
    buf[3 * d] = s.fMag;
  }

  /**
   * After the look's last step, taken to reach `step`: whether that state repeats one of the
   * CYCLE_MAX before it (then `period` is set and `restore` knows every later state).
   */
  found(step: number): boolean {
    const last = this.count - 1;
    for (let p = 1; p <= Math.min(last, CYCLE_MAX); p++) {
      if (!sameBits(this.kept[last], this.kept[last - p])) continue;
      for (let j = 0; j < p; j++) this.states[(step - j) % p].set(this.kept[last - j]);
      this.period = p;
      return true;
    }
    return false;
  }

  /** Puts the state of step `step` (any step after the cycle was found) into `s`. */
  restore(s: CycleState, step: number): void {
    const buf = this.states[step % this.period];
    const d = this.d;
    s.x.set(buf.subarray(0, d));
    s.y.set(buf.subarray(d, 2 * d));
    s.g.set(buf.subarray(2 * d, 3 * d));
    s.fMag = buf[3 * d];
  }

  /** Drops the oldest kept state (a look longer than CYCLE_MAX steps); returns the free slot. */
  private shift(): number {
    const first = this.kept.shift()!;
    this.kept.push(first);
    return this.kept.length - 1;
  }
}

/** Whether a and b hold the same numbers bit for bit (+0 and −0 differ; a NaN never matches). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] && (a[i] !== 0 || 1 / a[i] === 1 / b[i]))) return false;
  return true;
}
