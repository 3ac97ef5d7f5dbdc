/**
 * Seeded randomness. Every stream is derived from the run seed and a label, so a trial's
 * numbers do not depend on how trials are split across workers or machines.
 */
// Alea alone: the package's index would also load Node's crypto (seedrandom-alea.d.ts).
import alea from 'seedrandom/lib/alea';

export type Rng = () => number;

/** A uniform [0, 1) stream for `label` under `seed` (Alea: fast, identical on every platform). */
export function stream(seed: string, label: string): Rng {
  return alea(`${seed}\u0000${label}`);
}

/** Uniform draws in a box, one point per call. */
export function uniformInBox(rng: Rng, low: readonly number[], high: readonly number[], out: Float64Array): Float64Array {
  for (let i = 0; i < low.length; i++) out[i] = low[i] + (high[i] - low[i]) * rng();
  return out;
}

/** Standard normal pairs by the polar Box–Muller method; keeps the spare. */
export class Normal {
  private spare = 0;
  private hasSpare = false;
  constructor(private readonly rng: Rng) {}
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.rng() - 1;
      v = 2 * this.rng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }
}
