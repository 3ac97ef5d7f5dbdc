/**
 * Adapters from the user's function shapes to the engine's `Loss`/`Gradient` on a
 * Float64Array. A function of k numbers is called with the coordinates as arguments; a
 * function of one array gets a reused plain array (so user code may use any Array method;
 * it must not keep the array).
 */
import type { ArgStyle, Gradient, Loss } from './types';

type AnyFn = (...args: any[]) => unknown;

export function adaptLoss(fn: AnyFn, argStyle: ArgStyle, dim: number): Loss {
  const f = fn as (...args: number[]) => number;
  if (argStyle === 'scalars') {
    switch (dim) {
      case 1: {
        const loss: Loss = (x) => f(x[0]);
        loss.scalar = f as (x: number) => number;
        return loss;
      }
      case 2: {
        const loss: Loss = (x) => f(x[0], x[1]);
        loss.scalar = f as (x: number, y: number) => number;
        return loss;
      }
      case 3:
        return (x) => f(x[0], x[1], x[2]);
      default: {
        const args = new Array<number>(dim);
        return (x) => {
          for (let i = 0; i < dim; i++) args[i] = x[i];
          return f(...args);
        };
      }
    }
  }
  const buf = new Array<number>(dim).fill(0);
  const g = fn as (v: number[]) => number;
  return (x) => {
    for (let i = 0; i < dim; i++) buf[i] = x[i];
    return g(buf);
  };
}

/**
 * A per-example function of a finite-sum loss (ℓ, or its gradient): the user's function of the
 * parameters (k numbers, or one array) and a trailing example, called as (w, e).
 */
export function adaptExample(fn: AnyFn, argStyle: ArgStyle, dim: number): (x: Float64Array, e: unknown) => unknown {
  const f = fn as (...args: unknown[]) => unknown;
  if (argStyle === 'scalars') {
    switch (dim) {
      case 1:
        return (x, e) => f(x[0], e);
      case 2:
        return (x, e) => f(x[0], x[1], e);
      case 3:
        return (x, e) => f(x[0], x[1], x[2], e);
      default: {
        const args = new Array<unknown>(dim + 1);
        return (x, e) => {
          for (let i = 0; i < dim; i++) args[i] = x[i];
          args[dim] = e;
          return f(...args);
        };
      }
    }
  }
  const buf = new Array<number>(dim).fill(0);
  return (x, e) => {
    for (let i = 0; i < dim; i++) buf[i] = x[i];
    return f(buf, e);
  };
}

/** The user's gradient returns an array (k numbers or one array in, same as f). */
export function adaptGradient(fn: AnyFn, argStyle: ArgStyle, dim: number): Gradient {
  const call = adaptLoss(fn, argStyle, dim) as unknown as (x: Float64Array) => ArrayLike<number>;
  return (x, out) => {
    const r = call(x);
    if (r === null || typeof r !== 'object' || typeof r.length !== 'number' || r.length !== dim) {
      throw new TypeError(`gradient must return an array of ${dim} numbers, got ${describe(r)}`);
    }
    for (let i = 0; i < dim; i++) out[i] = r[i];
  };
}

/** Short description of a value for error messages. */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v === 'object' ? `an object` : String(v);
}
