/**
 * The 3-D surface of f or g (three.js, WebGL): the landscape grid as a lit mesh whose height and
 * colour are the value scale of the 2-D maps (viridis on linear, log or rank; heat.ts), the sampled
 * paths as lines lifted onto the surface (drawn up to the time slider's step), the trials as markers
 * on it (each method's colour and shape), x* as a star; orbit (drag), zoom (wheel), pan (right-drag) with OrbitControls; axis
 * names and end values as HTML labels that follow the view.
 *
 * One WebGL context at a time: the panel (panel/surface.ts) makes one `SurfaceView` on one canvas
 * and context, draws every later run into it (the last run's meshes and textures disposed), and
 * `dispose()`s it to give the context back when the view is not shown. Drawing happens on demand
 * (a change of the view or a move of the camera), never in a loop. This file and three.js are
 * their own bundle (surface3d/main.ts), loaded only when a 3-D view is shown.
 *
 * Geometry comes from surfaceMesh.ts (pure, unit-tested); what lies on the surface (paths and
 * markers) from surface3dOverlay.ts, the axis labels from surface3dLabels.ts, the cached surface of
 * time-slider frames from surface3dCache.ts. This file holds the scene itself: the renderer, the
 * camera and its controls, the surface and the box's frame, when to draw what, and giving it all
 * back with the context.
 */
import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  Color,
  DirectionalLight,
  DoubleSide,
  Float32BufferAttribute,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshLambertMaterial,
  PerspectiveCamera,
  SRGBColorSpace,
  Scene,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { Shape } from '../shared/canvasMarks';
import { viridis } from '../shared/color';
import type { Theme } from '../shared/theme';
import { SurfaceCache } from './surface3dCache';
import { SurfaceLabels } from './surface3dLabels';
import { SurfaceOverlay } from './surface3dOverlay';
import { HEIGHT, color3, disposeAll } from './surface3dParts';
import { toUnit, type SurfaceMesh } from './surfaceMesh';

export interface SurfaceLine {
  /** The whole path's points in the plane (data coordinates)… */
  points: ReadonlyArray<readonly number[]>;
  /** …and the global step of each (increasing): the path is drawn up to `SurfaceSpec.step`. */
  steps: readonly number[];
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
  /** Points this set may hold on later frames (its buffer is allocated for that many once). */
  capacity?: number;
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
  /**
   * The whole paths: lifted onto the surface once per array (pass the same array on later frames
   * of the same run, layer and choice of paths) and drawn up to `step`.
   */
  lines: readonly SurfaceLine[];
  /** The time slider's global step. */
  step: number;
  /** Where the trials are at `step` (or the finals) and x*: positions written in place on every frame. */
  marks: readonly SurfaceMarks[];
}

/** What one draw put on the GPU, for the card's test hooks. */
export interface SurfaceStats {
  vertices: number;
  triangles: number;
  /** Line runs drawn and their lifted points. */
  lines: number;
  linePoints: number;
  /** Markers drawn (trials and x*). */
  marks: number;
  /** How the frame was drawn: everything, or the overlay over the cached surface (a time-slider frame). */
  frame: 'full' | 'overlay';
}

/**
 * The scene on one canvas and its WebGL2 context (created by the caller, which has checked that
 * the machine has WebGL): a renderer, a camera with orbit controls, the surface and what lies on
 * it. `dispose()` gives the context back; the canvas cannot take another one after that.
 *
 * Time-slider frames are cheap: the paths are lifted onto the surface once per run and drawn up to
 * the step by their draw ranges, the markers' positions are written into buffers allocated once,
 * and the surface (80 000 triangles at the default grid: by far the most costly part to raster,
 * the more so under software WebGL) is not drawn again: the first overlay-only frame after the
 * view changed draws it into a render target (colour and depth), and every such frame after that
 * copies the target onto the screen (depth included, so the surface still hides what lies behind
 * a hill) and draws the lines and markers over it. A change of the camera, the size or the surface
 * draws everything directly.
 */
export class SurfaceView {
  private readonly renderer: WebGLRenderer;
  private readonly controls: OrbitControls;
  private camera = new PerspectiveCamera(35, 1, 0.05, 100);
  /** The surface and the box's frame, lit; the lines and markers (unlit). */
  private baseScene = new Scene();
  private overlayScene = new Scene();
  /** In the box's frame (unit square → [−1, 1]², heights [0, 1] → [0, HEIGHT]): the surface and frame. */
  private base = new Group();
  /** What lies on the surface: the paths and the markers (groups in the box's frame too). */
  private overlay = new SurfaceOverlay();
  private labels: SurfaceLabels;
  /** The surface as last drawn into a render target (colour and depth), for time-slider frames. */
  private cache: SurfaceCache;
  private baseMesh?: SurfaceMesh;
  private baseKey = '';
  private size = '';
  private frame = 0;
  private warm: number | undefined;
  private disposed = false;

  /** `box` holds `canvas` (its size is the box's), `labelLayer` the HTML labels over it. */
  constructor(
    canvas: HTMLCanvasElement,
    gl: WebGL2RenderingContext,
    private readonly box: HTMLElement,
    labelLayer: HTMLElement,
  ) {
    this.labels = new SurfaceLabels(labelLayer);
    this.camera.up.set(0, 0, 1);
    for (const [g, scene] of [
      [this.base, this.baseScene],
      [this.overlay.paths, this.overlayScene],
      [this.overlay.marks, this.overlayScene],
    ] as const) {
      g.scale.set(2, 2, HEIGHT);
      g.position.set(-1, -1, 0);
      scene.add(g);
    }
    // Light: mostly ambient, so the colours stay those of the scale; one light from above for shape.
    this.baseScene.add(new AmbientLight(0xffffff, Math.PI * 0.72));
    const sun = new DirectionalLight(0xffffff, Math.PI * 0.45);
    sun.position.set(-1.5, -2, 4);
    this.baseScene.add(sun);
    const r = new WebGLRenderer({ canvas, context: gl, antialias: true, alpha: true, preserveDrawingBuffer: true });
    r.setClearColor(0x000000, 0);
    r.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    r.autoClear = false;
    this.renderer = r;
    this.cache = new SurfaceCache();
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
   * Draws `spec`. Only what changed is made again: the surface when `spec.mesh` or the theme is
   * not the one drawn last, the lifted paths when `spec.lines` is another array, the labels when
   * their words change; the paths' draw ranges and the markers' positions follow `spec.step` and
   * `spec.marks` on every call. Returns what it drew.
   */
  draw(spec: SurfaceSpec, t: Theme): SurfaceStats {
    const m = spec.mesh;
    const baseKey = `${t.kind}:${t.grid}`;
    let full = false;
    if (m !== this.baseMesh || baseKey !== this.baseKey) {
      disposeAll(this.base);
      this.buildBase(m, t);
      this.baseMesh = m;
      this.baseKey = baseKey;
      this.overlay.invalidatePaths();
      full = true;
    }
    const unit = toUnit(spec.x, spec.y);
    const { lines, linePoints } = this.overlay.showPaths(spec, unit);
    const marks = this.overlay.showMarks(spec, t, unit);
    if (this.labels.show(spec)) this.placeLabels();
    if (this.fit()) full = true;
    if (full) this.render();
    else this.renderOverlay();
    return {
      vertices: m.heights.length,
      triangles: m.index.length / 3,
      lines,
      linePoints,
      marks,
      frame: full ? 'full' : 'overlay',
    };
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

  /**
   * Fits the drawing buffer (and the surface's cache) to the box when its size changed; true when
   * it did (the next frame must be drawn whole).
   */
  private fit(): boolean {
    const w = Math.max(1, this.box.clientWidth);
    const hgt = Math.max(1, this.box.clientHeight);
    const dpr = this.renderer.getPixelRatio();
    const size = `${w}x${hgt}@${dpr}`;
    if (size === this.size) return false;
    this.size = size;
    // Setting a canvas's size reallocates its drawing buffer even when the size is the same: only on a change.
    this.renderer.setSize(w, hgt, false);
    this.cache.setSize(Math.floor(w * dpr), Math.floor(hgt * dpr));
    this.camera.aspect = w / hgt;
    // A narrow box widens the vertical field of view so the box still fits across (≥ 50° wide).
    const wide = (50 * Math.PI) / 180;
    this.camera.fov = Math.max(35, (2 * Math.atan(Math.tan(wide / 2) / this.camera.aspect) * 180) / Math.PI);
    this.camera.updateProjectionMatrix();
    return true;
  }

  /** Fits the drawing buffer to the box (after the panel's size changed) and draws. */
  resize(): void {
    if (this.disposed) return;
    this.fit();
    this.render();
  }

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws the whole scene now (the surface's cache is stale after this: the camera or the surface changed). */
  render(): void {
    if (this.disposed) return;
    const r = this.renderer;
    r.setRenderTarget(null);
    r.clear();
    r.render(this.baseScene, this.camera);
    r.render(this.overlayScene, this.camera);
    this.cache.invalidate();
    this.placeLabels();
    // Once the view has been still a moment, the surface goes into its cache (and the copy's
    // shader is compiled), so the first time-slider frame after it is as cheap as the rest.
    clearTimeout(this.warm);
    this.warm = window.setTimeout(() => this.fillCache(), 250);
  }

  /** Draws the surface into the cache, unless it is there already. */
  private fillCache(): void {
    if (this.disposed) return;
    this.cache.fill(this.renderer, this.baseScene, this.camera);
  }

  /** A time-slider frame: the cached surface (drawn into the cache first if stale), the lines and markers over it. */
  private renderOverlay(): void {
    if (this.disposed) return;
    const r = this.renderer;
    this.fillCache();
    r.setRenderTarget(null);
    r.clear();
    this.cache.copy(r, this.camera);
    r.render(this.overlayScene, this.camera);
  }

  /** Moves the labels to where their points are on screen. */
  private placeLabels(): void {
    this.labels.place(this.camera, this.box.clientWidth, this.box.clientHeight);
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

  /** Gives the WebGL context back: scene, controls, render target and renderer disposed, the context lost. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    clearTimeout(this.warm);
    disposeAll(this.base);
    this.overlay.dispose();
    this.cache.dispose();
    this.labels.clear();
    this.controls.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
  }
}
