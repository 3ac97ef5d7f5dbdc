"""The numpy reference of npm run bench (issue 15): TRIALS x STEPS SGD steps on 2-D Rastrigin,
vectorized over the trials, with central differences by the engine's difference-step rule
(sgd.ts differenceStep) and uniform noise in the disk of radius RADIUS; prints the sum of the
final coordinates. Usage: python3 bench/reference_numpy.py TRIALS STEPS [LR RADIUS]
(Debian: apt-get install python3-numpy)."""
import sys

import numpy as np


def rastrigin(x, y):
    return 20 + x * x - 10 * np.cos(2 * np.pi * x) + y * y - 10 * np.cos(2 * np.pi * y)


def step_size(x, g, fmag):
    h = 1e-5 * np.maximum(1.0, np.abs(x))
    ag = np.maximum(1.0, np.abs(g))
    return np.where(fmag > 64 * ag, h * np.cbrt(fmag / (64 * ag)), h)


def main():
    trials, steps = int(sys.argv[1]), int(sys.argv[2])
    lr = float(sys.argv[3]) if len(sys.argv) > 3 else 0.002
    a = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
    rng = np.random.default_rng(1)
    x = rng.uniform(-5.12, 5.12, trials)
    y = rng.uniform(-5.12, 5.12, trials)
    gx = np.zeros(trials)
    gy = np.zeros(trials)
    fmag = np.abs(rastrigin(x, y))
    for _ in range(steps):
        hx = step_size(x, gx, fmag)
        hy = step_size(y, gy, fmag)
        gx = (rastrigin(x + hx, y) - rastrigin(x - hx, y)) / (2 * hx)
        fp = rastrigin(x, y + hy)
        fm = rastrigin(x, y - hy)
        gy = (fp - fm) / (2 * hy)
        fmag = np.abs(0.5 * (fp + fm))
        # Uniform in the disk: radius a*sqrt(u), uniform angle.
        r = a * np.sqrt(rng.random(trials))
        t = 2 * np.pi * rng.random(trials)
        x = x - lr * gx - r * np.cos(t)
        y = y - lr * gy - r * np.sin(t)
    print(float(np.sum(x) + np.sum(y)))


if __name__ == "__main__":
    main()
