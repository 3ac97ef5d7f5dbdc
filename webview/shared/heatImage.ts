/**
 * A grid as an image, one pixel per cell (row 0 at the bottom), for the 2-D plots to scale onto
 * their axes. Images are cached per grid object and colour key, so time-slider frames and
 * theme-neutral redraws do not recolour a 201 × 201 grid.
 */
import { heatmapPixels, type Rgb } from './color';

export interface HeatImage {
  image: HTMLCanvasElement;
  /** Cells that got a colour (finite values); the others stay transparent. */
  cells: number;
}

const imageCache = new WeakMap<object, Map<string, HeatImage>>();

/** Cached when `cacheKey` names `color` (e.g. "viridis:0:15"); computed afresh otherwise. */
export function heatImage(grid: readonly (readonly number[])[], color: (v: number) => Rgb, cacheKey?: string): HeatImage {
  const byKey = cacheKey ? imageCache.get(grid) : undefined;
  const hit = cacheKey ? byKey?.get(cacheKey) : undefined;
  if (hit) return hit;
  const rows = grid.length;
  const cols = grid[0]!.length;
  const img = new ImageData(heatmapPixels(grid, color) as Uint8ClampedArray<ArrayBuffer>, cols, rows);
  const image = document.createElement('canvas');
  image.width = cols;
  image.height = rows;
  image.getContext('2d')!.putImageData(img, 0, 0);
  let cells = 0;
  for (const row of grid) for (const v of row) if (Number.isFinite(v)) cells++;
  const out = { image, cells };
  if (cacheKey) {
    const m = byKey ?? new Map<string, HeatImage>();
    if (m.size > 8) m.clear();
    m.set(cacheKey, out);
    if (!byKey) imageCache.set(grid, m);
  }
  return out;
}
