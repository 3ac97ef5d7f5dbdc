/**
 * Draws of the x-space perturbation ηω of the paper's model, shared by every kernel (sgd.ts,
 * optimizers.ts). Each trial draws from its own seeded stream, one draw per step.
 */
import type { Normal, Rng } from './rng';
import type { NoiseKind } from './types';

/** The kernels' integer code of a noise kind (0 is no noise). */
export const NOISE_CODE: Record<NoiseKind, number> = { none: 0, uniform: 1, gaussian: 2, cube: 3, minibatch: 4 };

/**
 * Writes a draw of the x-space perturbation (radius a) into `out`.
 * uniform: uniform in the d-ball (1-D: [−a, a]; 2-D by rejection; d ≥ 3 by direction × a·u^{1/d}).
 * none and minibatch (whose noise is the batch's, see minibatch.ts): zero.
 */
export function perturb(code: number, a: number, d: number, rng: Rng, normal: Normal, out: Float64Array): void {
  if (code === 1) {
    if (d === 1) {
      out[0] = a * (2 * rng() - 1);
    } else if (d === 2) {
      let u: number, v: number;
      do {
        u = 2 * rng() - 1;
        v = 2 * rng() - 1;
      } while (u * u + v * v > 1);
      out[0] = a * u;
      out[1] = a * v;
    } else {
      let n2 = 0;
      for (let i = 0; i < d; i++) {
        const z = normal.next();
        out[i] = z;
        n2 += z * z;
      }
      const s = (a * Math.pow(rng(), 1 / d)) / Math.sqrt(n2);
      for (let i = 0; i < d; i++) out[i] *= s;
    }
  } else if (code === 2) {
    for (let i = 0; i < d; i++) out[i] = a * normal.next();
  } else if (code === 3) {
    for (let i = 0; i < d; i++) out[i] = a * (2 * rng() - 1);
  } else {
    for (let i = 0; i < d; i++) out[i] = 0;
  }
}
