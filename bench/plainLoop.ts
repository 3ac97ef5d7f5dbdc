/**
 * The floor for this work in this language: plain hand-written JavaScript loops doing the
 * same function evaluations as the engine on one core, nothing recorded (npm run bench).
 */

/**
 * The floor: x ← x − η·(central-difference ∇f) − uniform ball noise, nothing recorded. The
 * difference step follows the engine's rule (sgd.ts `differenceStep`: 1e-5·max(1, |x|), enlarged
 * by ∛(R/64) when R = |f|/max(1, |f′|) > 64), so both do the same arithmetic.
 */
export function plainSgd1d(f: (x: number) => number, starts: Float64Array, lr: number, a: number, steps: number): number {
  let acc = 0;
  for (let k = 0; k < starts.length; k++) {
    let x = starts[k];
    let g = 0;
    let fMag = Math.abs(f(x));
    for (let t = 0; t < steps; t++) {
      let h = 1e-5 * (x > 1 ? x : x < -1 ? -x : 1);
      const ag = g > 1 ? g : g < -1 ? -g : 1;
      if (fMag > 64 * ag) h *= Math.cbrt(fMag / (64 * ag));
      const fp = f(x + h);
      const fm = f(x - h);
      g = (fp - fm) / (2 * h);
      fMag = Math.abs(0.5 * (fp + fm));
      x = x - lr * g - a * (2 * Math.random() - 1);
    }
    acc += x;
  }
  return acc;
}

export function plainSgd2d(f: (x: number, y: number) => number, starts: Float64Array, lr: number, a: number, steps: number): number {
  let acc = 0;
  for (let k = 0; k < starts.length / 2; k++) {
    let x = starts[2 * k];
    let y = starts[2 * k + 1];
    let gx = 0;
    let gy = 0;
    let fMag = Math.abs(f(x, y));
    for (let t = 0; t < steps; t++) {
      let hx = 1e-5 * (x > 1 ? x : x < -1 ? -x : 1);
      const ax = gx > 1 ? gx : gx < -1 ? -gx : 1;
      if (fMag > 64 * ax) hx *= Math.cbrt(fMag / (64 * ax));
      let hy = 1e-5 * (y > 1 ? y : y < -1 ? -y : 1);
      const ay = gy > 1 ? gy : gy < -1 ? -gy : 1;
      if (fMag > 64 * ay) hy *= Math.cbrt(fMag / (64 * ay));
      gx = (f(x + hx, y) - f(x - hx, y)) / (2 * hx);
      const fp = f(x, y + hy);
      const fm = f(x, y - hy);
      gy = (fp - fm) / (2 * hy);
      fMag = Math.abs(0.5 * (fp + fm));
      let u: number, v: number;
      do {
        u = 2 * Math.random() - 1;
        v = 2 * Math.random() - 1;
      } while (u * u + v * v > 1);
      x = x - lr * gx - a * u;
      y = y - lr * gy - a * v;
    }
    acc += x + y;
  }
  return acc;
}
