/**
 * Colour maths for the charts: the viridis and diverging maps of the heatmaps, grid → pixels, and
 * parsing VS Code's colour strings. Pure functions (no DOM); unit-tested in
 * test/unit/webview-shape.test.ts. Which chart element takes which colour is palette.ts's business.
 */

export type Rgb = [number, number, number];
export type Rgba = [number, number, number, number];

/** Viridis, 9 stops (perceptually uniform, readable in light and dark themes). */
const VIRIDIS: Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Viridis colour at t in [0, 1] (clamped). */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [Math.round(lerp(a[0], b[0], f)), Math.round(lerp(a[1], b[1], f)), Math.round(lerp(a[2], b[2], f))];
}

/**
 * Diverging colour for a signed quantity such as c(y): `mid` at zero, `neg` below and `pos` above,
 * each side on its own scale — v ≤ −negMax takes the full `neg`, v ≥ posMax the full `pos` — so a
 * side whose values are small (c ≤ 0 down to −19 beside c > 0 up to 2000) still shows its colour.
 */
export function diverging(v: number, negMax: number, posMax: number, neg: Rgb, mid: Rgb, pos: Rgb): Rgb {
  if (!Number.isFinite(v) || v === 0) return mid;
  const max = v < 0 ? negMax : posMax;
  if (!(max > 0)) return mid;
  const t = Math.min(1, Math.abs(v) / max);
  const end = v < 0 ? neg : pos;
  return [Math.round(lerp(mid[0], end[0], t)), Math.round(lerp(mid[1], end[1], t)), Math.round(lerp(mid[2], end[2], t))];
}

/**
 * RGBA pixels for a grid values[iy][ix] with row 0 at the bottom (y grows upward on screen),
 * as ImageData wants them (row 0 at the top). Non-finite cells are transparent.
 */
export function heatmapPixels(grid: readonly (readonly number[])[], color: (v: number) => Rgb): Uint8ClampedArray {
  const h = grid.length;
  const w = h > 0 ? grid[0]!.length : 0;
  const px = new Uint8ClampedArray(w * h * 4);
  for (let iy = 0; iy < h; iy++) {
    const row = grid[iy]!;
    const dst = (h - 1 - iy) * w * 4;
    for (let ix = 0; ix < w; ix++) {
      const v = row[ix]!;
      const o = dst + ix * 4;
      if (!Number.isFinite(v)) continue;
      const [r, g, b] = color(v);
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
      px[o + 3] = 255;
    }
  }
  return px;
}

/** Parses #rgb, #rrggbb, #rrggbbaa, rgb(…) and rgba(…); undefined for anything else. */
export function parseColor(s: string): Rgba | undefined {
  const t = s.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(t);
  if (m) {
    const h = m[1]!;
    return [parseInt(h[0]! + h[0]!, 16), parseInt(h[1]! + h[1]!, 16), parseInt(h[2]! + h[2]!, 16), 1];
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(t);
  if (m) {
    const h = m[1]!;
    const a = m[2] ? parseInt(m[2], 16) / 255 : 1;
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16), a];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(t);
  if (m) {
    let a = 1;
    if (m[4] !== undefined) a = m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [Number(m[1]), Number(m[2]), Number(m[3]), a];
  }
  return undefined;
}

/** `color` with alpha `a` as an rgba() string (the colour itself when it cannot be parsed). */
export function withAlpha(color: string, a: number): string {
  const c = parseColor(color);
  if (!c) return color;
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${Math.round(a * c[3] * 1000) / 1000})`;
}
