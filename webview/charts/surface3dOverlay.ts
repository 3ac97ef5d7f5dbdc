/**
 * What the 3-D surface carries (surface3d.ts): the sampled paths as lines lifted onto it, drawn up to
 * the time slider's step, and the trials and x* as marker sprites on it. Both are made so that a
 * time-slider frame is cheap: each path is lifted onto the mesh once per run and shown up to a step
 * by its draw range; each set of markers has one position buffer, allocated once for as many points
 * as it may hold, and its positions are written in place on every frame.
 */
import {
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  DynamicDrawUsage,
  Group,
  Line,
  LineBasicMaterial,
  Points,
  PointsMaterial,
  SRGBColorSpace,
  type Texture,
} from 'three';
import { marker, type Shape } from '../shared/canvasMarks';
import type { Theme } from '../shared/theme';
import type { SurfaceLine, SurfaceSpec } from './surface3d';
import { LIFT, color3, disposeAll } from './surface3dParts';
import { heightOnMesh, liftPolyline, progressAt, shownCount, type LiftedPoint } from './surfaceMesh';

/** A marker sprite: the shape filled with `color`, outlined with `outline`. */
function markerTexture(shape: Shape, color: string, outline: string): Texture {
  const size = 64;
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = color;
  ctx.strokeStyle = outline;
  ctx.lineWidth = 6;
  marker(ctx, shape, size / 2, size / 2, size * 0.36, true);
  const t = new CanvasTexture(c);
  t.colorSpace = SRGBColorSpace;
  return t;
}

/** Lines and markers drawn over the surface, kept across time-slider frames. */
interface PathRun {
  line: Line;
  run: LiftedPoint[];
}
interface MarkSet {
  key: string;
  points: Points;
  capacity: number;
}

/** The paths and markers: two groups in the box's frame (the caller adds them to its overlay scene). */
export class SurfaceOverlay {
  readonly paths = new Group();
  readonly marks = new Group();
  private pathLines?: readonly SurfaceLine[];
  private pathRuns: PathRun[] = [];
  private markSets: MarkSet[] = [];

  /** Forgets the lifted paths (the surface under them changed): the next `showPaths` lifts them again. */
  invalidatePaths(): void {
    this.pathLines = undefined;
  }

  /**
   * Every path of `spec` drawn up to global step `spec.step`, lifted onto `spec.mesh` first when
   * `spec.lines` is not the array lifted last.
   */
  showPaths(spec: SurfaceSpec, unit: (p: readonly number[]) => [number, number]): { lines: number; linePoints: number } {
    if (spec.lines !== this.pathLines) {
      this.buildPaths(spec, unit);
      this.pathLines = spec.lines;
    }
    let lines = 0;
    let linePoints = 0;
    for (const { line, run } of this.pathRuns) {
      const n = shownCount(run, (line.userData.progress as (s: number) => number)(spec.step));
      line.geometry.setDrawRange(0, n);
      line.visible = n > 1;
      if (n > 1) {
        lines++;
        linePoints += n;
      }
    }
    return { lines, linePoints };
  }

  /** Each path lifted onto the mesh once (it follows the surface between its points), drawn up to a step by its draw range. */
  private buildPaths(spec: SurfaceSpec, unit: (p: readonly number[]) => [number, number]): void {
    disposeAll(this.paths);
    this.pathRuns = [];
    const m = spec.mesh;
    for (const l of spec.lines) {
      const progressOf = (p: number) => progressAt(l.steps, p);
      const material = new LineBasicMaterial({ color: color3(l.color), transparent: true, opacity: l.plain ? 0.95 : 0.85 });
      for (const run of liftPolyline(
        m,
        l.points.map((p) => unit(p)),
      )) {
        const pos = new Float32Array(run.length * 3);
        run.forEach(([u, v, z], k) => pos.set([u, v, z + LIFT], 3 * k));
        const g = new BufferGeometry();
        g.setAttribute('position', new BufferAttribute(pos, 3));
        const line = new Line(g, material);
        line.userData.progress = progressOf;
        this.paths.add(line);
        this.pathRuns.push({ line, run });
      }
    }
  }

  /** The markers: one Points per set with its shape as a sprite, positions written in place. Returns how many are drawn. */
  showMarks(spec: SurfaceSpec, t: Theme, unit: (p: readonly number[]) => [number, number]): number {
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const m = spec.mesh;
    // The sets' looks and sizes: rebuilt only when they change (a new run, theme or method).
    const keys = spec.marks.map((s) => `${s.shape}|${s.color}|${s.size}|${t.background}`);
    spec.marks.forEach((s, i) => {
      const have = this.markSets[i];
      const need = Math.max(s.points.length, s.capacity ?? 0, 1);
      if (have && have.key === keys[i] && have.capacity >= need) return;
      if (have) this.dropMarks(have);
      const g = new BufferGeometry();
      const attr = new BufferAttribute(new Float32Array(need * 3), 3);
      attr.setUsage(DynamicDrawUsage);
      g.setAttribute('position', attr);
      const material = new PointsMaterial({
        size: s.size * dpr,
        sizeAttenuation: false,
        map: markerTexture(s.shape, s.color, t.background),
        transparent: true,
        alphaTest: 0.3,
        depthWrite: false,
      });
      const points = new Points(g, material);
      points.renderOrder = 2;
      points.frustumCulled = false;
      this.marks.add(points);
      this.markSets[i] = { key: keys[i]!, points, capacity: need };
    });
    for (const extra of this.markSets.splice(spec.marks.length)) this.dropMarks(extra);
    let marks = 0;
    spec.marks.forEach((s, i) => {
      const set = this.markSets[i]!;
      const attr = set.points.geometry.getAttribute('position') as BufferAttribute;
      const pos = attr.array as Float32Array;
      let n = 0;
      for (const p of s.points) {
        const [u, v] = unit(p);
        const cu = Math.min(1, Math.max(0, u));
        const cv = Math.min(1, Math.max(0, v));
        const z = heightOnMesh(m, cu, cv);
        if (!Number.isFinite(z)) continue;
        pos[3 * n] = cu;
        pos[3 * n + 1] = cv;
        pos[3 * n + 2] = z + LIFT;
        n++;
      }
      attr.needsUpdate = true;
      set.points.geometry.setDrawRange(0, n);
      set.points.visible = n > 0;
      marks += n;
    });
    return marks;
  }

  private dropMarks(set: MarkSet): void {
    set.points.removeFromParent();
    set.points.geometry.dispose();
    const material = set.points.material as PointsMaterial;
    material.map?.dispose();
    material.dispose();
  }

  /** Gives back every geometry, material and texture. */
  dispose(): void {
    disposeAll(this.paths);
    for (const set of this.markSets) this.dropMarks(set);
    this.markSets = [];
  }
}
