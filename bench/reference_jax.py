"""The optional JAX reference of npm run bench (issue 15): the numpy reference's computation
(bench/reference_numpy.py) as one jit-compiled function, vmap over the trials and lax.fori_loop
over the steps, on the CPU, compile time included (a whole process, like every other column).
Run only when `python3 -c "import jax"` works; install with `pip install jax` (CPU build).
Usage: python3 bench/reference_jax.py TRIALS STEPS [LR RADIUS]"""
import sys

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402


def rastrigin(x, y):
    return 20 + x * x - 10 * jnp.cos(2 * jnp.pi * x) + y * y - 10 * jnp.cos(2 * jnp.pi * y)


def step_size(x, g, fmag):
    h = 1e-5 * jnp.maximum(1.0, jnp.abs(x))
    ag = jnp.maximum(1.0, jnp.abs(g))
    return jnp.where(fmag > 64 * ag, h * jnp.cbrt(fmag / (64 * ag)), h)


def trial(key, x, y, steps, lr, a):
    def body(_, state):
        x, y, gx, gy, fmag, key = state
        key, k1, k2 = jax.random.split(key, 3)
        hx = step_size(x, gx, fmag)
        hy = step_size(y, gy, fmag)
        gx = (rastrigin(x + hx, y) - rastrigin(x - hx, y)) / (2 * hx)
        fp = rastrigin(x, y + hy)
        fm = rastrigin(x, y - hy)
        gy = (fp - fm) / (2 * hy)
        fmag = jnp.abs(0.5 * (fp + fm))
        r = a * jnp.sqrt(jax.random.uniform(k1, dtype=jnp.float64))
        t = 2 * jnp.pi * jax.random.uniform(k2, dtype=jnp.float64)
        return (x - lr * gx - r * jnp.cos(t), y - lr * gy - r * jnp.sin(t), gx, gy, fmag, key)

    state = (x, y, jnp.zeros(()), jnp.zeros(()), jnp.abs(rastrigin(x, y)), key)
    x, y, *_ = jax.lax.fori_loop(0, steps, body, state)
    return x + y


def main():
    trials, steps = int(sys.argv[1]), int(sys.argv[2])
    lr = float(sys.argv[3]) if len(sys.argv) > 3 else 0.002
    a = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
    key = jax.random.PRNGKey(1)
    k0, k1, k2 = jax.random.split(key, 3)
    x = jax.random.uniform(k0, (trials,), minval=-5.12, maxval=5.12, dtype=jnp.float64)
    y = jax.random.uniform(k1, (trials,), minval=-5.12, maxval=5.12, dtype=jnp.float64)
    keys = jax.random.split(k2, trials)
    run = jax.jit(jax.vmap(lambda k, x0, y0: trial(k, x0, y0, steps, lr, a)))
    print(float(jnp.sum(run(keys, x, y))))


if __name__ == "__main__":
    main()
