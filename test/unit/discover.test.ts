import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverLosses, lossAtLine, lossShapeText, orderByCursor, readStaticExport } from '../../src/runner/discover';

const byName = (src: string) => Object.fromEntries(discoverLosses(src, 'loss.ts').map((l) => [l.name, l]));

test('export function with k number parameters is k-dimensional', () => {
  const src = [
    'export function sphere(x: number, y: number): number {',
    '  return x * x + y * y;',
    '}',
    'export function spiky(x: number) { return x * x; }',
  ].join('\n');
  const l = byName(src);
  assert.deepEqual(l.sphere, {
    name: 'sphere',
    line: 0,
    character: 0,
    endLine: 2,
    argStyle: 'scalars',
    dim: 2,
    params: ['x', 'y'],
    hasOptions: false,
  });
  assert.equal(l.spiky.dim, 1);
  assert.equal(l.spiky.line, 3);
});

test('array parameters take their dimension from options, a tuple, or settings (null)', () => {
  const src = [
    'type Vec = readonly number[];',
    'export const rastrigin = (x: number[]) => x.reduce((s, v) => s + v * v, 0);',
    'export const rastriginOptions = { dim: 5, xStar: [0, 0, 0, 0, 0] } satisfies Record<string, unknown>;',
    'export function a(x: Float64Array) { return x[0]; }',
    'export function b(x: ArrayLike<number>) { return x[0]; }',
    'export function c(x: ReadonlyArray<number>) { return x[0]; }',
    'export function d(x: Vec) { return x[0]; }',
    'export function e(p: [number, number, number]) { return p[0]; }',
    'export function g(x: readonly number[]) { return x[0]; }',
    'export const h = function (x: Array<number>) { return x[0]; };',
    'export const k = (x: number[]) => x[0];',
    'export const kOptions = { xStar: [1, 2] };',
    'export const m = (x: number[]) => x[0];',
    'export const mOptions = { domain: { low: [-1, -1, -1], high: [1, 1, 1] } };',
  ].join('\n');
  const l = byName(src);
  assert.equal(l.rastrigin.argStyle, 'array');
  assert.equal(l.rastrigin.dim, 5);
  assert.equal(l.rastrigin.hasOptions, true);
  for (const n of ['a', 'b', 'c', 'd', 'g', 'h']) {
    assert.equal(l[n]?.argStyle, 'array', n);
    assert.equal(l[n]?.dim, null, n);
  }
  assert.equal(l.e.dim, 3);
  assert.equal(l.k.dim, 2);
  assert.equal(l.m.dim, 3);
  assert.equal(l.rastriginOptions, undefined, 'Options exports are not losses');
});

test('issue 13: the picker and CodeLens say a loss\'s shape in words (was "sphere dim from settings-D (array)")', () => {
  const src = [
    'export function sphere(x: number[]) { return x.reduce((s, v) => s + v * v, 0); }',
    'export const ring = (x: number[]) => x[0];',
    'export const ringOptions = { dim: 5 };',
    'export function pair(p: [number, number]) { return p[0]; }',
    'export function flat(x: number, y: number) { return x * y; }',
  ].join('\n');
  const l = byName(src);
  const text = Object.fromEntries(Object.keys(l).map((n) => [n, lossShapeText(l[n]!)]));
  assert.deepEqual(text, {
    sphere: 'array, dim from settings',
    ring: '5-D (array)',
    pair: '2-D (array)',
    flat: '2-D',
  });
});

test('export lists, aliases, default exports and overloads', () => {
  const src = [
    'function f1(x: number, y: number) { return x + y; }',
    'const f2 = (x: number) => x;',
    'export { f1, f2 as renamed, f1 as default };',
    'export { notLocal } from "./other";',
  ].join('\n');
  const l = byName(src);
  assert.deepEqual(Object.keys(l).sort(), ['default', 'f1', 'renamed']);
  assert.equal(l.renamed.line, 1);
  assert.equal(l.renamed.dim, 1);
  assert.equal(l.default.dim, 2);

  const d1 = byName('export default function (x: number, y: number, z: number) { return x; }');
  assert.equal(d1.default.dim, 3);
  const d2 = byName('const q = (v: number[]) => v[0];\nexport default q;');
  assert.equal(d2.default.argStyle, 'array');
  const d3 = byName('export default (a: number) => a * a;');
  assert.equal(d3.default.dim, 1);

  const ov = byName(['export function o(x: number): number;', 'export function o(x: number): number { return x; }'].join('\n'));
  assert.equal(ov.o.line, 1, 'the implementation is reported, not the overload signature');
});

test('what is not a loss', () => {
  const src = [
    'export const notAFunction = 3;',
    'export function noParams() { return 1; }',
    'export function rest(...xs: number[]) { return xs[0]; }',
    'export function strings(s: string) { return s.length; }',
    'export function mixed(a: number, b: number[]) { return a + b[0]; }',
    'export function twoArrays(a: number[], b: number[]) { return a[0] + b[0]; }',
    'function privateOne(x: number) { return x; }',
    'export class C {}',
    'export interface I { x: number }',
    'export const fooOptions = (x: number) => x;',
    'export async function later(x: number) { return x; }',
    'export const laterArrow = async (x: number) => x;',
    'export function* gen(x: number) { yield x; }',
    'export declare function ambient(x: number): number;',
    'export function ok(x: number) { return privateOne(x); }',
  ].join('\n');
  assert.deepEqual(Object.keys(byName(src)), ['ok']);
});

test('unannotated parameters: scalars unless the body indexes the single parameter', () => {
  const l = byName(
    [
      'export const s = (x, y) => x * x + y * y;',
      'export const one = (x) => Math.sin(x);',
      'export const arr = (x) => x[0] ** 2 + x[1] ** 2;',
      'export function loop(v) { let s = 0; for (const e of v) s += e * e; return s; }',
      'export const typed: (x: number[]) => number = (x) => x[0];',
      'export const destructured = ([a, b]) => a + b;',
    ].join('\n'),
  );
  assert.equal(l.s.dim, 2);
  assert.equal(l.one.argStyle, 'scalars');
  assert.equal(l.arr.argStyle, 'array');
  assert.equal(l.loop.argStyle, 'array');
  assert.equal(l.typed.argStyle, 'array');
  assert.equal(l.destructured.argStyle, 'array');
  assert.equal(l.destructured.dim, 2);
});

test('syntax errors do not throw; valid declarations are still found', () => {
  const l = discoverLosses('export function good(x: number) { return x; }\nexport function bad(x: number { return x', 'broken.ts');
  assert.equal(l[0].name, 'good');
});

test('function under the cursor and quick-pick order', () => {
  const src = [
    'export function a(x: number) {', // 0
    '  return x;', // 1
    '}', // 2
    '', // 3
    'export const b = (x: number, y: number) =>', // 4
    '  x + y;', // 5
    'export function c(x: number) { return x; }', // 6
  ].join('\n');
  const losses = discoverLosses(src, 'f.ts');
  assert.equal(lossAtLine(losses, 1)?.name, 'a');
  assert.equal(lossAtLine(losses, 3), undefined);
  assert.equal(lossAtLine(losses, 5)?.name, 'b');
  assert.deepEqual(
    orderByCursor(losses, 5).map((l) => l.name),
    ['b', 'a', 'c'],
  );
  assert.deepEqual(
    orderByCursor(losses, 3).map((l) => l.name),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(
    orderByCursor(losses, undefined).map((l) => l.name),
    ['a', 'b', 'c'],
  );
});

test('static options literal is read without running code', () => {
  const src =
    'export const fOptions = { dim: 2, xStar: [-1, +0.5], defaults: { lr: 1e-3, seed: "s", compareGd: false }, gradient: (x: number[]) => x, domain: { low: [-3, -3], high: [3, 3] } } as const;';
  assert.deepEqual(readStaticExport(src, 'f.ts', 'fOptions'), {
    dim: 2,
    xStar: [-1, 0.5],
    defaults: { lr: 0.001, seed: 's', compareGd: false },
    domain: { low: [-3, -3], high: [3, 3] },
  });
  assert.equal(readStaticExport(src, 'f.ts', 'missing'), undefined);
});
