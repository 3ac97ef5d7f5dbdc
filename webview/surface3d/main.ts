/**
 * The 3-D view's own bundle (dist/webview/surface3d.js): three.js and the surface scene
 * (charts/surface3d.ts), loaded by the panel only when a 2-D run's "Landscape in 3-D" card comes
 * into view (panel/surface.ts), so the panel's own script stays small for every other run. It
 * hands its one export to the panel through `window.sgdSurface3d`.
 */
import { SurfaceView } from '../charts/surface3d';

export type Surface3dModule = { SurfaceView: typeof SurfaceView };

(window as unknown as { sgdSurface3d: Surface3dModule }).sgdSurface3d = { SurfaceView };
