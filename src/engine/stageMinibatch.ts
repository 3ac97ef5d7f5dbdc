/**
 * A resolved stage's minibatch fields (noise "minibatch" on a finite-sum loss): which layer's
 * batchSize, sampling and radius apply, and which are errors. Part of resolveConfig (config.ts).
 */
import type { Layer } from './configMerge';
import type { Problems } from './settingsProblems';
import type { Sampling, Stage } from './types';

/**
 * The minibatch fields of a resolved stage. With noise "minibatch": `batchSize` is required and at
 * most n; `radius` does not apply: a radius > 0 given at the noise's layer or above (RUN.json, the
 * file's defaults, a stage) is an error, one from below (the table's default, the editor's
 * settings, a lower layer's schedule) is dropped to 0; the loss must be a finite sum. With another
 * noise, `batchSize` and `sampling` given at the noise's layer or above are errors, from below
 * they are dropped (a lower layer's minibatch schedule switched to another noise above it).
 */
export function minibatchStage(
  p: Problems,
  out: Stage,
  f: Record<string, { v: unknown; layer: number }>,
  layers: readonly Layer[],
  path: string,
  stageLayer: number | undefined,
  name: string,
  examples: number | null | undefined,
): void {
  const noiseLayer = f.noise.layer;
  // A field of the stage's own list is named in it; one from a flat field by that layer's name.
  const at = (k: string) => (f[k].layer === stageLayer ? `${path}.${k}` : layers[f[k].layer].path(k));
  const given = (k: string) =>
    f[k] !== undefined && f[k].layer >= noiseLayer && !['defaults', 'suggested', 'settings'].includes(layers[f[k].layer].kind);
  if (out.noise !== 'minibatch') {
    for (const k of ['batchSize', 'sampling'] as const) {
      if (given(k)) p.add(at(k), `applies only to noise "minibatch"; this stage's noise is "${out.noise}"`);
    }
    return;
  }
  if (out.radius > 0) {
    if (given('radius'))
      p.add(
        at('radius'),
        `does not apply to noise "minibatch" (its noise is the batch's own: set batchSize); leave it out, got ${out.radius}`,
      );
    out.radius = 0;
  }
  if (examples === null) {
    p.add(
      at('noise'),
      `"minibatch" needs a finite-sum loss: ${name} with a trailing example parameter and ${name}Options.data (see the README)`,
    );
  }
  if (f.batchSize === undefined) {
    p.add(`${path}.batchSize`, `is required with noise "minibatch": an integer in [1, ${examples ?? 'n'}], the examples per step`);
  } else {
    const b = f.batchSize.v as number;
    if (typeof examples === 'number' && b > examples)
      p.add(at('batchSize'), `must be at most the number of examples n = ${examples}, got ${b}`);
    out.batchSize = b;
  }
  out.sampling = (f.sampling?.v as Sampling | undefined) ?? 'uniform';
}
