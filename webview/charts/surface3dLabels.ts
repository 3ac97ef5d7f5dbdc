/**
 * The 3-D surface's words (surface3d.ts): axis names beside three edges of the box and values along
 * them, as HTML labels in a layer over the canvas that follow the camera.
 */
import { Vector3, type Camera } from 'three';
import { h } from '../shared/dom';
import type { SurfaceSpec } from './surface3d';
import { HEIGHT } from './surface3dParts';

type Label = { el: HTMLElement; at: Vector3 };

export class SurfaceLabels {
  private labels: Label[] = [];
  private key = '';

  constructor(private readonly layer: HTMLElement) {}

  /** Makes the labels of `spec` (again only when their words change); true when it made them. */
  show(spec: SurfaceSpec): boolean {
    const key = JSON.stringify([spec.xLabel, spec.yLabel, spec.zLabel, spec.xTicks, spec.yTicks, spec.zTicks]);
    if (key === this.key) return false;
    this.key = key;
    this.clear();
    const at = (u: number, v: number, z: number) => new Vector3(-1 + 2 * u, -1 + 2 * v, z * HEIGHT);
    const label = (text: string, p: Vector3, cls: string) => {
      const el = h('span', { class: `surface-label ${cls}` }, text);
      this.layer.append(el);
      this.labels.push({ el, at: p });
    };
    label(spec.xLabel, at(0.5, -0.16, 0), 'axis');
    label(spec.yLabel, at(1.16, 0.5, 0), 'axis');
    label(spec.zLabel, at(0, 0, 1.14), 'axis');
    for (const k of spec.xTicks) label(k.label, at(k.t, -0.06, 0), 'tick');
    for (const k of spec.yTicks) label(k.label, at(1.06, k.t, 0), 'tick');
    for (const k of spec.zTicks) label(k.label, at(-0.05, -0.05, k.t), 'tick');
    return true;
  }

  /** Moves the labels to where their points are on screen (a box `w` × `hgt` CSS pixels). */
  place(camera: Camera, w: number, hgt: number): void {
    const p = new Vector3();
    for (const l of this.labels) {
      p.copy(l.at).project(camera);
      const behind = p.z > 1;
      l.el.hidden = behind;
      // Through the CSSOM (the CSP allows no inline style attributes).
      l.el.style.transform = `translate(${((p.x + 1) / 2) * w}px, ${((1 - p.y) / 2) * hgt}px) translate(-50%, -50%)`;
    }
  }

  /** Removes every label. */
  clear(): void {
    for (const l of this.labels) l.el.remove();
    this.labels = [];
  }
}
