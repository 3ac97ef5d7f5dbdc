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
 * Geometry comes from surfaceMesh.ts (pure, unit-tested); this file only hands it to three.js.
 *
 * A little over our ~350-line habit on purpose (issue 9): it is one class around one three.js
 * scene, whose meshes, lines, markers, labels, camera and disposal share the scene's objects and
 * must be given back together with the context; the pure geometry is already out (surfaceMesh.ts).
 */
import {
  AlwaysDepth,
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  Color,
  DepthTexture,
  DirectionalLight,
  DoubleSide,
  DynamicDrawUsage,
  Float32BufferAttribute,
  Group,
  Line,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshLambertMaterial,
  NoBlending,
  PerspectiveCamera,
  PlaneGeometry,
  Points,
  PointsMaterial,
  SRGBColorSpace,
  Scene,
  ShaderMaterial,
  Vector3,
  WebGLRenderer,
  WebGLRenderTarget,
  type Material,
  type Object3D,
  type Texture,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { marker, type Shape } from '../shared/canvasMarks';
import { viridis } from '../shared/color';
import { h } from '../shared/dom';
import type { Theme } from '../shared/theme';
import { heightOnMesh, liftPolyline, progressAt, shownCount, toUnit, type LiftedPoint, type SurfaceMesh } from './surfaceMesh';

/** The scene's box: the unit square maps to [−1, 1]², heights [0, 1] to [0, HEIGHT]. */
const HEIGHT = 1.1;
/** Markers and lines sit this far above the surface (in heights), so the surface does not hide them. */
const LIFT = 0.006;

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

/** Draws the cached surface (colour and depth of a render target) onto the screen, depth included. */
function compositeQuad(target: WebGLRenderTarget): Mesh {
  const material = new ShaderMaterial({
    uniforms: { tColor: { value: target.texture }, tDepth: { value: target.depthTexture } },
    vertexShader: 'varying vec2 vUv; void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }',
    fragmentShader: [
      'uniform sampler2D tColor; uniform sampler2D tDepth; varying vec2 vUv;',
      'void main() {',
      '  gl_FragColor = texture2D(tColor, vUv);',
      '  gl_FragDepth = texture2D(tDepth, vUv).x;',
      '  #include <colorspace_fragment>',
      '}',
    ].join('\n'),
    blending: NoBlending,
    depthTest: true,
    depthFunc: AlwaysDepth,
    depthWrite: true,
  });
  const quad = new Mesh(new PlaneGeometry(2, 2), material);
  quad.frustumCulled = false;
  return quad;
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
  /** The surface and the box's frame, lit; the lines and markers (unlit); the cached surface's quad. */
  private baseScene = new Scene();
  private overlayScene = new Scene();
  private quadScene = new Scene();
  /** In the box's frame (unit square → [−1, 1]², heights [0, 1] → [0, HEIGHT]): the surface and frame, and what lies on it. */
  private base = new Group();
  private paths = new Group();
  private marksGroup = new Group();
  private baseMesh?: SurfaceMesh;
  private baseKey = '';
  private pathLines?: readonly SurfaceLine[];
  private pathRuns: PathRun[] = [];
  private markSets: MarkSet[] = [];
  private labels: Label[] = [];
  private labelKey = '';
  /** The surface as last drawn into `target` (colour and depth); valid until the camera, size or surface changes. */
  private target: WebGLRenderTarget;
  private cached = false;
  private size = '';
  private frame = 0;
  private warm: number | undefined;
  private disposed = false;

  /** `box` holds `canvas` (its size is the box's), `labelLayer` the HTML labels over it. */
  constructor(
    canvas: HTMLCanvasElement,
    gl: WebGL2RenderingContext,
    private readonly box: HTMLElement,
    private readonly labelLayer: HTMLElement,
  ) {
    this.camera.up.set(0, 0, 1);
    for (const [g, scene] of [
      [this.base, this.baseScene],
      [this.paths, this.overlayScene],
      [this.marksGroup, this.overlayScene],
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
    this.target = new WebGLRenderTarget(1, 1, {
      samples: 4,
      depthBuffer: true,
      depthTexture: new DepthTexture(1, 1),
      colorSpace: SRGBColorSpace,
    });
    this.quadScene.add(compositeQuad(this.target));
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
      this.pathLines = undefined;
      full = true;
    }
    const unit = toUnit(spec.x, spec.y);
    if (spec.lines !== this.pathLines) {
      this.buildPaths(spec, unit);
      this.pathLines = spec.lines;
    }
    const { lines, linePoints } = this.showPaths(spec.step);
    const marks = this.showMarks(spec, t, unit);
    this.showLabels(spec);
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

  /** Every path drawn up to global step `step`. */
  private showPaths(step: number): { lines: number; linePoints: number } {
    let lines = 0;
    let linePoints = 0;
    for (const { line, run } of this.pathRuns) {
      const n = shownCount(run, (line.userData.progress as (s: number) => number)(step));
      line.geometry.setDrawRange(0, n);
      line.visible = n > 1;
      if (n > 1) {
        lines++;
        linePoints += n;
      }
    }
    return { lines, linePoints };
  }

  /** The markers: one Points per set with its shape as a sprite, positions written in place. */
  private showMarks(spec: SurfaceSpec, t: Theme, unit: (p: readonly number[]) => [number, number]): number {
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
      this.marksGroup.add(points);
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

  /** Labels: axis names beside three edges, values along them (made again only when their words change). */
  private showLabels(spec: SurfaceSpec): void {
    const key = JSON.stringify([spec.xLabel, spec.yLabel, spec.zLabel, spec.xTicks, spec.yTicks, spec.zTicks]);
    if (key === this.labelKey) return;
    this.labelKey = key;
    for (const l of this.labels) l.el.remove();
    this.labels = [];
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
    this.placeLabels();
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
   * Fits the drawing buffer (and the surface's render target) to the box when its size changed;
   * true when it did (the next frame must be drawn whole).
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
    this.target.setSize(Math.floor(w * dpr), Math.floor(hgt * dpr));
    this.camera.aspect = w / hgt;
    // A narrow box widens the vertical field of view so the box still fits across (≥ 50° wide).
    const wide = (50 * Math.PI) / 180;
    this.camera.fov = Math.max(35, (2 * Math.atan(Math.tan(wide / 2) / this.camera.aspect) * 180) / Math.PI);
    this.camera.updateProjectionMatrix();
    this.cached = false;
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
    this.cached = false;
    this.placeLabels();
    // Once the view has been still a moment, the surface goes into its cache (and the copy's
    // shader is compiled), so the first time-slider frame after it is as cheap as the rest.
    clearTimeout(this.warm);
    this.warm = window.setTimeout(() => this.cache(), 250);
  }

  /** Draws the surface into the render target, unless it is there already. */
  private cache(): void {
    if (this.disposed || this.cached) return;
    const r = this.renderer;
    r.setRenderTarget(this.target);
    r.clear();
    r.render(this.baseScene, this.camera);
    r.setRenderTarget(null);
    r.compile(this.quadScene, this.camera);
    this.cached = true;
  }

  /** A time-slider frame: the cached surface (drawn into the target first if stale), the lines and markers over it. */
  private renderOverlay(): void {
    if (this.disposed) return;
    const r = this.renderer;
    this.cache();
    r.setRenderTarget(null);
    r.clear();
    r.render(this.quadScene, this.camera);
    r.render(this.overlayScene, this.camera);
  }

  /** Moves the labels to where their points are on screen. */
  private placeLabels(): void {
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

  /** Gives the WebGL context back: scene, controls, render target and renderer disposed, the context lost. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    clearTimeout(this.warm);
    disposeAll(this.base);
    disposeAll(this.paths);
    for (const set of this.markSets) this.dropMarks(set);
    this.markSets = [];
    disposeAll(this.quadScene as unknown as Group);
    this.target.depthTexture?.dispose();
    this.target.dispose();
    for (const l of this.labels) l.el.remove();
    this.labels = [];
    this.controls.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
  }
}
