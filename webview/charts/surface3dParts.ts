/**
 * What the 3-D surface's pieces (surface3d.ts and the files beside it) share: the scene's box, a
 * theme colour as a three.js colour, and the disposal of a group's GPU objects.
 */
import { Color, SRGBColorSpace, type BufferGeometry, type Group, type Material, type Object3D, type Texture } from 'three';

/** The scene's box: the unit square maps to [−1, 1]², heights [0, 1] to [0, HEIGHT]. */
export const HEIGHT = 1.1;
/** Markers and lines sit this far above the surface (in heights), so the surface does not hide them. */
export const LIFT = 0.006;

/** A colour string of the theme as a three.js colour (sRGB → linear working space). */
export function color3(css: string): Color {
  const c = new Color();
  try {
    c.setStyle(css, SRGBColorSpace);
  } catch {
    c.setRGB(0.5, 0.5, 0.5, SRGBColorSpace);
  }
  return c;
}

/** Disposes the geometries, materials and textures under `group` and empties it. */
export function disposeAll(group: Group): void {
  group.traverse((o: Object3D) => {
    const any = o as Object3D & { geometry?: BufferGeometry; material?: Material | Material[] };
    any.geometry?.dispose();
    const mats = Array.isArray(any.material) ? any.material : any.material ? [any.material] : [];
    for (const m of mats) {
      (m as Material & { map?: Texture | null }).map?.dispose();
      m.dispose();
    }
  });
  group.clear();
}
