/**
 * The benchmark's losses, without `<name>Options` so every run uses central-difference
 * gradients (the setting). Same code as examples/ and the plain loops in run.ts.
 */
export { figure3 } from '../examples/paper-figure3';

export function rastrigin(x: number, y: number): number {
  return 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y);
}
