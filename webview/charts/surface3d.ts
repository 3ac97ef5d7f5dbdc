/**
 * The 3-D surface of f or g (three.js, WebGL): the landscape grid as a lit mesh whose height and
 * colour are the value scale of the 2-D maps (viridis on linear, log or rank; heat.ts), the sampled
 * paths as lines lifted onto the surface, the finals as markers on it (each method's colour and
 * shape), x* as a star; orbit (drag), zoom (wheel), pan (right-drag) with OrbitControls; axis
 * names and end values as HTML labels that follow the view.
 *
 * One WebGL context at a time: the panel (panel/surface.ts) makes one `SurfaceView` on one canvas
 * and context, draws every later run into it (the last run's meshes and textures disposed), and
 * `dispose()`s it to give the context back when the view is not shown. Drawing happens on demand
 * (a change of the view or a move of the camera), never in a loop. This file and three.js are
 * their own bundle (surface3d/main.ts), loaded only when a 3-D view is shown.
 *
 * Geometry comes from surfaceMesh.ts (pure, unit-tested); this file only hands it to three.js.
 *
 * A little over our ~350-line habit on purpose (issue 9): it is one class around one three.js
 * scene, whose meshes, lines, markers, labels, camera and disposal share the scene's objects and
 * must be given back together with the context; the pure geometry is already out (surfaceMesh.ts).
 */
import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  Color,
  DirectionalLight,
  DoubleSide,
  Float32BufferAttribute,
  Group,
  Line,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshLambertMaterial,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  SRGBColorSpace,
  Scene,
  Vector3,
  WebGLRenderer,
  type Material,
  type Object3D,
  type Texture,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { marker, type Shape } from '../shared/canvasMarks';
import { viridis } from '../shared/color';
import { h } from '../shared/dom';
import type { Theme } from '../shared/theme';
import { heightOnMesh, liftPolyline, toUnit, type SurfaceMesh } from './surfaceMesh';

/** The scene's box: the unit square maps to [−1, 1]², heights [0, 1] to [0, HEIGHT]. */
const HEIGHT = 1.1;
/** Markers and lines sit this far above the surface (in heights), so the surface does not hide them. */
const LIFT = 0.006;

export interface SurfaceLine {
  /** Points in the plane (data coordinates). */
  points: ReadonlyArray<readonly number[]>;
  color: string;
  /** A deterministic method's path (GD): drawn more opaque. */
  plain?: boolean;
}

export interface SurfaceMarks {
  points: ReadonlyArray<readonly number[]>;
  color: string;
  shape: Shape;
  /** Marker size in CSS pixels. */
  size: number;
}

export interface SurfaceSpec {
  /** The grid (data coordinates) and its mesh. */
  x: readonly number[];
  y: readonly number[];
  mesh: SurfaceMesh;
  /** Axis names and the height's name ("f (log)"). */
  xLabel: string;
  yLabel: string;
  zLabel: string;
  /** Height ticks: position t ∈ [0, 1] on the scale and label. */
  zTicks: ReadonlyArray<{ t: number; label: string }>;
  xTicks: ReadonlyArray<{ t: number; label: string }>;
  yTicks: ReadonlyArray<{ t: number; label: string }>;
  lines: readonly SurfaceLine[];
  marks: readonly SurfaceMarks[];
}

/** What one draw put on the GPU, for the card's test hooks. */
export interface SurfaceStats {
  vertices: number;
  triangles: number;
  /** Line runs drawn and their lifted points. */
  lines: number;
  linePoints: number;
  /** Markers drawn (finals and x*). */
  marks: number;
}

/** A colour string of the theme as a three.js colour (sRGB → linear working space). */
function color3(css: string): Color {
  const c = new Color();
  try {
    c.setStyle(css, SRGBColorSpace);
  } catch {
    c.setRGB(0.5, 0.5, 0.5, SRGBColorSpace);
  }
  return c;
}

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

type Label = { el: HTMLElement; at: Vector3 };

/** Disposes the geometries, materials and textures under `group` and empties it. */
function disposeAll(group: Group): void {
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

/**
 * The scene on one canvas and its WebGL2 context (created by the caller, which has checked that
 * the machine has WebGL): a renderer, a camera with orbit controls, the surface and what lies on
 * it. `dispose()` gives the context back; the canvas cannot take another one after that.
 */
export class SurfaceView {
  private readonly renderer: WebGLRenderer;
  private readonly controls: OrbitControls;
  private camera = new PerspectiveCamera(35, 1, 0.05, 100);
  private scene = new Scene();
  /** In the box's frame (unit square → [−1, 1]², heights [0, 1] → [0, HEIGHT]): the surface and frame, and what lies on it. */
  private base = new Group();
  private overlay = new Group();
  private baseMesh?: SurfaceMesh;
  private baseKey = '';
  private labels: Label[] = [];
  private frame = 0;
  private disposed = false;

  /** `box` holds `canvas` (its size is the box's), `labelLayer` the HTML labels over it. */
  constructor(
    canvas: HTMLCanvasElement,
    gl: WebGL2RenderingContext,
    private readonly box: HTMLElement,
    private readonly labelLayer: HTMLElement,
  ) {
    this.camera.up.set(0, 0, 1);
    for (const g of [this.base, this.overlay]) {
      g.scale.set(2, 2, HEIGHT);
      g.position.set(-1, -1, 0);
      this.scene.add(g);
    }
    // Light: mostly ambient, so the colours stay those of the scale; one light from above for shape.
    this.scene.add(new AmbientLight(0xffffff, Math.PI * 0.72));
    const sun = new DirectionalLight(0xffffff, Math.PI * 0.45);
    sun.position.set(-1.5, -2, 4);
    this.scene.add(sun);
    const r = new WebGLRenderer({ canvas, context: gl, antialias: true, alpha: true, preserveDrawingBuffer: true });
    r.setClearColor(0x000000, 0);
    r.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer = r;
    const controls = new OrbitControls(this.camera, canvas);
    controls.minDistance = 0.8;
    controls.maxDistance = 12;
    controls.addEventListener('change', () => this.requestDraw());
    this.controls = controls;
    this.home();
  }

  /** The starting view: from the front-right, a little above. */
  private home(): void {
    this.camera.position.set(2.05, -2.8, 2.0);
    this.controls.target.set(0, 0, HEIGHT * 0.24);
    this.camera.lookAt(0, 0, HEIGHT * 0.24);
    this.controls.update();
  }

  /** Back to the starting view. */
  reset(): void {
    if (this.disposed) return;
    this.home();
    this.requestDraw();
  }

  /**
   * Draws `spec` (replacing what was drawn; the surface itself is kept when `spec.mesh` and the
   * theme are the ones drawn last, so the time slider only redraws paths and markers). Returns
   * what it drew.
   */
  draw(spec: SurfaceSpec, t: Theme): SurfaceStats {
    const m = spec.mesh;
    const baseKey = `${t.kind}:${t.grid}`;
    if (m !== this.baseMesh || baseKey !== this.baseKey) {
      disposeAll(this.base);
      this.buildBase(m, t);
      this.baseMesh = m;
      this.baseKey = baseKey;
    }
    disposeAll(this.overlay);
    for (const l of this.labels) l.el.remove();
    this.labels = [];

    // Paths: each lifted onto the mesh (it follows the surface between its points).
    const unit = toUnit(spec.x, spec.y);
    let lines = 0;
    let linePoints = 0;
    for (const l of spec.lines) {
      const runs = liftPolyline(
        m,
        l.points.map((p) => unit(p)),
      );
      for (const run of runs) {
        const g = new BufferGeometry();
        g.setAttribute(
          'position',
          new Float32BufferAttribute(
            run.flatMap(([u, v, z]) => [u, v, z + LIFT]),
            3,
          ),
        );
        this.overlay.add(new Line(g, new LineBasicMaterial({ color: color3(l.color), transparent: true, opacity: l.plain ? 0.95 : 0.85 })));
        lines++;
        linePoints += run.length;
      }
    }

    // Markers: finals and x*, each set one Points with its shape as a sprite.
    let marks = 0;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    for (const s of spec.marks) {
      const pos: number[] = [];
      for (const p of s.points) {
        const [u, v] = unit(p);
        const cu = Math.min(1, Math.max(0, u));
        const cv = Math.min(1, Math.max(0, v));
        const z = heightOnMesh(m, cu, cv);
        if (!Number.isFinite(z)) continue;
        pos.push(cu, cv, z + LIFT);
      }
      if (pos.length === 0) continue;
      const g = new BufferGeometry();
      g.setAttribute('position', new Float32BufferAttribute(pos, 3));
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
      this.overlay.add(points);
      marks += pos.length / 3;
    }

    // Labels: axis names beside three edges, values along them.
    const at = (u: number, v: number, z: number) => new Vector3(-1 + 2 * u, -1 + 2 * v, z * HEIGHT);
    const label = (text: string, p: Vector3, cls: string) => {
      const el = h('span', { class: `surface-label ${cls}` }, text);
      this.labelLayer.append(el);
      this.labels.push({ el, at: p });
    };
    label(spec.xLabel, at(0.5, -0.16, 0), 'axis');
    label(spec.yLabel, at(1.16, 0.5, 0), 'axis');
    label(spec.zLabel, at(0, 0, 1.14), 'axis');
    for (const k of spec.xTicks) label(k.label, at(k.t, -0.06, 0), 'tick');
    for (const k of spec.yTicks) label(k.label, at(1.06, k.t, 0), 'tick');
    for (const k of spec.zTicks) label(k.label, at(-0.05, -0.05, k.t), 'tick');

    this.resize();
    return { vertices: m.heights.length, triangles: m.index.length / 3, lines, linePoints, marks };
  }

  /** The surface, the light and the box's frame. */
  private buildBase(m: SurfaceMesh, t: Theme): void {
    // The surface: vertex colours on viridis at each vertex's height (its place on the scale).
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(m.positions, 3));
    const colors = new Float32Array(m.positions.length);
    const c = new Color();
    for (let k = 0; k < m.heights.length; k++) {
      const [cr, cg, cb] = viridis(Number.isFinite(m.heights[k]!) ? m.heights[k]! : 0);
      c.setRGB(cr / 255, cg / 255, cb / 255, SRGBColorSpace);
      colors[3 * k] = c.r;
      colors[3 * k + 1] = c.g;
      colors[3 * k + 2] = c.b;
    }
    geometry.setAttribute('color', new BufferAttribute(colors, 3));
    geometry.setIndex(new BufferAttribute(m.index, 1));
    geometry.computeVertexNormals();
    const surface = new Mesh(
      geometry,
      new MeshLambertMaterial({
        vertexColors: true,
        side: DoubleSide,
        // Pushed back in depth so lines and markers on it win.
        polygonOffset: true,
        polygonOffsetFactor: 1,
        polygonOffsetUnits: 1,
      }),
    );
    surface.name = 'surface';
    this.base.add(surface);

    // The box's frame: the floor square and the vertical edges, in the theme's grid colour.
    const frame = new Float32Array([
      ...[0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0],
      ...[0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1],
    ]);
    const frameGeometry = new BufferGeometry();
    frameGeometry.setAttribute('position', new Float32BufferAttribute(frame, 3));
    this.base.add(new LineSegments(frameGeometry, new LineBasicMaterial({ color: color3(t.grid), transparent: true, opacity: 0.8 })));
  }

  /** Fits the drawing buffer to the box and draws. */
  resize(): void {
    if (this.disposed) return;
    const r = this.renderer;
    const w = Math.max(1, this.box.clientWidth);
    const hgt = Math.max(1, this.box.clientHeight);
    r.setSize(w, hgt, false);
    this.camera.aspect = w / hgt;
    // A narrow box widens the vertical field of view so the box still fits across (≥ 50° wide).
    const wide = (50 * Math.PI) / 180;
    this.camera.fov = Math.max(35, (2 * Math.atan(Math.tan(wide / 2) / this.camera.aspect) * 180) / Math.PI);
    this.camera.updateProjectionMatrix();
    this.render();
  }

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws the scene now and moves the labels to where their points are on screen. */
  render(): void {
    if (this.disposed) return;
    const r = this.renderer;
    r.render(this.scene, this.camera);
    const w = this.box.clientWidth;
    const hgt = this.box.clientHeight;
    const p = new Vector3();
    for (const l of this.labels) {
      p.copy(l.at).project(this.camera);
      const behind = p.z > 1;
      l.el.hidden = behind;
      // Through the CSSOM (the CSP allows no inline style attributes).
      l.el.style.transform = `translate(${((p.x + 1) / 2) * w}px, ${((1 - p.y) / 2) * hgt}px) translate(-50%, -50%)`;
    }
  }

  /**
   * The vertex positions as uploaded (x, y, height per vertex) for the test hooks: rows
   * [ix, iy, u, v, height] of the source grid indices asked for.
   */
  sample(mesh: SurfaceMesh, cells: ReadonlyArray<[number, number]>): number[][] {
    const surface = this.base.getObjectByName('surface') as Mesh | undefined;
    const pos = surface?.geometry.getAttribute('position');
    if (!pos) return [];
    const nx = mesh.ix.length;
    return cells.map(([a, b]) => {
      const k = b * nx + a;
      return [mesh.ix[a]!, mesh.iy[b]!, pos.getX(k), pos.getY(k), pos.getZ(k)];
    });
  }

  /** Gives the WebGL context back: scene, controls and renderer disposed, the context lost. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    disposeAll(this.base);
    disposeAll(this.overlay);
    for (const l of this.labels) l.el.remove();
    this.labels = [];
    this.controls.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
  }
}
