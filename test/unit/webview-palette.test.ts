/**
 * The methods' colours (webview/shared/palette.ts): readable on the theme's background and apart
 * from each other for colour-blind users. Oracles written here: WCAG 2 relative luminance and
 * contrast, Machado, Oliveira and Fernandes (2009) simulation matrices at severity 1, CIELAB ΔE*76.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKGROUNDS, METHOD_COLORS, METHOD_SHAPES, ROLE_COLORS, colorSet, methodColors, palette } from '../../webview/shared/palette';
import type { Theme } from '../../webview/shared/theme';

const lin = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const luminance = (hex: string) => {
  const [r, g, b] = rgb(hex).map(lin) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};
const SIM: Record<string, number[][]> = {
  normal: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};
function lab(hex: string, m: number[][]): [number, number, number] {
  const l = rgb(hex).map(lin);
  const [r, g, b] = m.map((row) => Math.min(1, Math.max(0, row[0]! * l[0]! + row[1]! * l[1]! + row[2]! * l[2]!))) as [
    number,
    number,
    number,
  ];
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}
const deltaE = (a: string, b: string, m: number[][]) => {
  const [p, q] = [lab(a, m), lab(b, m)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
};

test('method colours: every one stands out from every background of its set (WCAG non-text contrast ≥ 3)', () => {
  const table: string[] = [];
  for (const set of ['dark', 'light'] as const) {
    METHOD_COLORS[set].forEach((c, k) => {
      const ratios = BACKGROUNDS[set].map((bg) => contrast(c, bg));
      table.push(
        `${set.padEnd(5)} method ${k + 1}  ${c}  ${ratios.map((r, i) => `${r.toFixed(2)}:1 on ${BACKGROUNDS[set][i]}`).join(', ')}`,
      );
      ratios.forEach((r, i) => assert.ok(r >= 3, `${set} method ${k + 1} ${c} on ${BACKGROUNDS[set][i]}: contrast ${r.toFixed(2)}`));
    });
  }
  // The ratios the methods' colours reach (node --test prints a test's output with its result).
  console.log(table.join('\n'));
});

test('contrast oracle: WCAG 2 reference values (black on white 21:1, #777777 on white 4.48:1, Okabe–Ito sky blue on white 2.31:1)', () => {
  assert.equal(contrast('#000000', '#ffffff').toFixed(2), '21.00');
  assert.equal(contrast('#777777', '#ffffff').toFixed(2), '4.48');
  assert.equal(contrast('#56b4e9', '#ffffff').toFixed(2), '2.31');
});

test('method colours: the first four stay apart (ΔE ≥ 15) under normal vision, protanopia, deuteranopia and tritanopia', () => {
  const table: string[] = [];
  for (const set of ['dark', 'light'] as const) {
    const c = METHOD_COLORS[set];
    for (const [vision, m] of Object.entries(SIM)) {
      let least = { d: Infinity, i: 0, j: 0 };
      for (let i = 0; i < 4; i++)
        for (let j = i + 1; j < 4; j++) {
          const d = deltaE(c[i]!, c[j]!, m);
          if (d < least.d) least = { d, i, j };
          assert.ok(d >= 15, `${set} ${vision}: methods ${i} and ${j} ΔE ${d.toFixed(1)}`);
        }
      table.push(
        `${set.padEnd(5)} ${vision.padEnd(12)} least ΔE*76 among methods 1–4: ${least.d.toFixed(1)} (${c[least.i]} / ${c[least.j]})`,
      );
    }
  }
  console.log(table.join('\n'));
});

test('method markers: any two methods whose colours come close (ΔE < 10) for some vision have different shapes', () => {
  assert.equal(METHOD_SHAPES.length, METHOD_COLORS.dark.length);
  for (const set of ['dark', 'light'] as const) {
    const c = METHOD_COLORS[set];
    for (const [vision, m] of Object.entries(SIM))
      for (let i = 0; i < c.length; i++)
        for (let j = i + 1; j < c.length; j++)
          if (deltaE(c[i]!, c[j]!, m) < 10) assert.notEqual(METHOD_SHAPES[i], METHOD_SHAPES[j], `${set} ${vision}: methods ${i}, ${j}`);
  }
});

test('theme kinds take the set of their background', () => {
  assert.equal(methodColors('dark'), METHOD_COLORS.dark);
  assert.equal(methodColors('high-contrast'), METHOD_COLORS.dark);
  assert.equal(methodColors('light'), METHOD_COLORS.light);
  assert.equal(methodColors('high-contrast-light'), METHOD_COLORS.light);
});

test('every other hue (x*, c > 0 and c ≤ 0, Figure 5, bands) has WCAG non-text contrast ≥ 3 on every background of its set', () => {
  const table: string[] = [];
  for (const set of ['dark', 'light'] as const) {
    for (const [role, c] of Object.entries(ROLE_COLORS[set])) {
      const ratios = BACKGROUNDS[set].map((bg) => contrast(c, bg));
      table.push(
        `${set.padEnd(5)} ${role.padEnd(12)} ${c}  ${ratios.map((r, i) => `${r.toFixed(2)} on ${BACKGROUNDS[set][i]}`).join(', ')}`,
      );
      ratios.forEach((r, i) => assert.ok(r >= 3, `${set} ${role} ${c} on ${BACKGROUNDS[set][i]}: ${r.toFixed(2)}`));
    }
  }
  // The table of ratios the palette reaches (node --test prints diagnostics with the results).
  console.log(table.join('\n'));
});

test('hues drawn against each other stay apart (ΔE ≥ 15) for every vision: c > 0 / c ≤ 0, Figure 5 (a) min / mean, (b) its two readings and the mean', () => {
  for (const set of ['dark', 'light'] as const) {
    const r = ROLE_COLORS[set];
    const pairs: Array<[string, string, string]> = [
      ['positive', r.positive, r.negative],
      ['innerMin', r.innerMin, r.innerMean],
      ['probe', r.probe, r.probeAtW],
      ['probe/probeAtW vs mean', r.probe, r.innerMean],
    ];
    for (const [name, a, b] of pairs)
      for (const [vision, m] of Object.entries(SIM)) {
        const d = deltaE(a, b, m);
        assert.ok(d >= 15, `${set} ${vision} ${name}: ΔE ${d.toFixed(1)}`);
      }
  }
});

test('palette(): the roles take the set of the theme kind, text-like roles the theme (one palette for every chart)', () => {
  const theme = (kind: Theme['kind']): Theme =>
    ({ kind, foreground: '#abcdef', muted: '#123456', background: '#000000', grid: '#222222', border: '#333333' }) as Theme;
  for (const kind of ['light', 'dark', 'high-contrast', 'high-contrast-light'] as const) {
    const p = palette(theme(kind));
    const set = colorSet(kind);
    assert.equal(p.xStar, ROLE_COLORS[set].xStar);
    assert.equal(p.cPositive, ROLE_COLORS[set].positive);
    assert.equal(p.cNegative, ROLE_COLORS[set].negative);
    assert.equal(p.probe, ROLE_COLORS[set].probe);
    assert.equal(p.sgd, METHOD_COLORS[set][0]);
    assert.equal(p.gd, METHOD_COLORS[set][1]);
    assert.equal(p.series(1), METHOD_COLORS[set][1]);
    assert.equal(p.f, '#abcdef');
    assert.equal(p.rule, '#123456');
  }
  assert.equal(colorSet('high-contrast'), 'dark');
  assert.equal(colorSet('high-contrast-light'), 'light');
});
