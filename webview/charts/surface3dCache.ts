/**
 * The 3-D surface's cache for time-slider frames (surface3d.ts): the surface (80 000 triangles at the
 * default grid: by far the most costly part to raster, the more so under software WebGL) drawn once
 * into a render target, colour and depth, then copied onto the screen, depth included (so the
 * surface still hides what lies behind a hill), under the lines and markers of each frame. Valid
 * until the camera, the size or the surface changes (`invalidate`).
 */
import {
  AlwaysDepth,
  DepthTexture,
  Mesh,
  NoBlending,
  PlaneGeometry,
  SRGBColorSpace,
  Scene,
  ShaderMaterial,
  WebGLRenderTarget,
  type Camera,
  type Group,
  type WebGLRenderer,
} from 'three';
import { disposeAll } from './surface3dParts';

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

export class SurfaceCache {
  private readonly target = new WebGLRenderTarget(1, 1, {
    samples: 4,
    depthBuffer: true,
    depthTexture: new DepthTexture(1, 1),
    colorSpace: SRGBColorSpace,
  });
  private readonly quadScene = new Scene();
  private cached = false;

  constructor() {
    this.quadScene.add(compositeQuad(this.target));
  }

  /** The drawing buffer's size in device pixels (the cache is stale after it). */
  setSize(width: number, height: number): void {
    this.target.setSize(width, height);
    this.cached = false;
  }

  /** The surface on screen is no longer the one cached (the camera or the surface changed). */
  invalidate(): void {
    this.cached = false;
  }

  /** Draws `scene` (the surface) into the render target, unless it is there already, and compiles the copy's shader. */
  fill(r: WebGLRenderer, scene: Scene, camera: Camera): void {
    if (this.cached) return;
    r.setRenderTarget(this.target);
    r.clear();
    r.render(scene, camera);
    r.setRenderTarget(null);
    r.compile(this.quadScene, camera);
    this.cached = true;
  }

  /** Copies the cached surface onto the screen (`fill` first). */
  copy(r: WebGLRenderer, camera: Camera): void {
    r.render(this.quadScene, camera);
  }

  dispose(): void {
    disposeAll(this.quadScene as unknown as Group);
    this.target.depthTexture?.dispose();
    this.target.dispose();
  }
}
