/**
 * The measured minibatch gradient noise in words, against the paper's isotropic model: used by the
 * panel's summary and the CLI's printed summary alike.
 */
import type { GradientNoise, NoiseLandscapes, NoiseModelTrials, Stage } from '../engine/types';
import { formatNumber } from './format';

/** KS critical value at 5% for K samples (asymptotic: 1.358/√K). */
export function ksCritical(samples: number): number {
  return 1.358 / Math.sqrt(samples);
}

/** Largest over smallest eigenvalue of C at or below which the noise reads as "close to isotropic". */
export const NEARLY_ISOTROPIC = 1.5;

/**
 * "Minibatch noise (B = 4 of n = 44) at x*: tr C = 0.938; the isotropic model with the same power
 * has radius η·√tr C = 0.0969 (σ = 0.0685 per coordinate). …"
 */
export function gradientNoiseText(g: GradientNoise): string {
  const parts = [
    `Minibatch noise (B = ${g.batchSize} of n = ${g.examples}, ${g.sampling}) at x*: tr C = ${formatNumber(g.trace)}; the isotropic model with the same power has radius η·√tr C = ${formatNumber(g.equivalentRadius)} (Gaussian σ = ${formatNumber(g.isotropicSigma)} per coordinate).`,
  ];
  const s = g.spectrum;
  if (s && s.eigenvalues.length > 1) {
    const hi = s.eigenvalues[0];
    const lo = s.eigenvalues[s.eigenvalues.length - 1];
    const ratio = lo > 0 ? hi / lo : Infinity;
    parts.push(
      ratio <= NEARLY_ISOTROPIC
        ? `It is close to isotropic: C's eigenvalues lie within a factor ${formatNumber(ratio)} of each other.`
        : `It is anisotropic: C's eigenvalues run from ${formatNumber(hi)} down to ${formatNumber(lo)} (${Number.isFinite(ratio) ? `a factor ${formatNumber(ratio)}` : 'none along some directions'}).`,
    );
  }
  if (s && Number.isFinite(s.ksDistance)) {
    const crit = ksCritical(s.kickSamples);
    parts.push(
      s.ksDistance <= crit
        ? `Along its noisiest direction the actual kicks look Gaussian (KS distance ${formatNumber(s.ksDistance)} ≤ ${formatNumber(crit)}, the 5% critical value for ${s.kickSamples} kicks).`
        : `Along its noisiest direction the actual kicks are not Gaussian (KS distance ${formatNumber(s.ksDistance)} > ${formatNumber(crit)}, the 5% critical value for ${s.kickSamples} kicks).`,
    );
  }
  const along = g.checkpoints.traceMean.filter(Number.isFinite);
  if (along.length > 1) {
    parts.push(`Along the sampled trials tr C went from ${formatNumber(along[0])} to ${formatNumber(along[along.length - 1])}.`);
  }
  return parts.join(' ');
}

/**
 * What a c(y) map of radius 0 (f itself, not smoothed) stands for in a run with these stages: the
 * minibatch noise of its minibatch stages ("minibatch noise, B = 16"; its law is the batch's, not a
 * fixed kernel, so no g of f is drawn for it) or, without any, "no noise".
 */
export function unsmoothedNoiseText(stages: readonly Pick<Stage, 'noise' | 'batchSize'>[]): string {
  const bs = [...new Set(stages.filter((s) => s.noise === 'minibatch').map((s) => s.batchSize))];
  if (bs.length === 0) return 'no noise';
  return `minibatch noise, B = ${bs.map((b) => (b === undefined ? 'n' : String(b))).join(' / ')}`;
}

/**
 * The two smoothed landscapes (measured anisotropic noise against the isotropic model of the same
 * trace) in words (2-D): where g differs, where c(y) changes sign, inf c of each.
 */
export function noiseLandscapesText(l: NoiseLandscapes): string {
  const d = l.disagreement;
  return `g under the measured noise N(0, η²C(x*)) and under the isotropic N(0, σ²I) of the same trace differ by at most ${formatNumber(d.maxAbs)} (${formatPercent(d.relative)} of g's range) at (${d.at.map((v) => formatNumber(v)).join(', ')}); c(y) has opposite signs under the two at ${formatPercent(d.cSignDiffers)} of the grid. inf c over the start box: ${formatNumber(l.anisotropic.c)} measured, ${formatNumber(l.isotropic.c)} isotropic.`;
}

/** Which way two success counts out of N are told apart: beyond two binomial standard errors of their difference. */
function apart(a: number, b: number, N: number): boolean {
  const p = (a + b) / (2 * N);
  return Math.abs(a - b) > 2 * Math.sqrt((2 * p * (1 - p)) / N) * N;
}

/**
 * Which noise model the minibatch trials followed (any d), in words: the three success counts and
 * the verdict; the models' kicks use C(x*) at every step (noiseModelTrials.ts), and the words say so. Two counts out of N are told apart only beyond two binomial standard errors of their
 * difference.
 */
export function noiseModelTrialsText(t: NoiseModelTrials): string {
  const N = t.trials;
  if (!(N > 0)) return '';
  const dA = Math.abs(t.minibatch - t.anisotropic);
  const dI = Math.abs(t.minibatch - t.isotropic);
  const verdict = !apart(t.anisotropic, t.isotropic, N)
    ? 'the two models do not differ in success beyond sampling error here'
    : dA < dI
      ? 'the minibatch trials followed the measured (anisotropic) model'
      : dI < dA
        ? 'the minibatch trials followed the isotropic model'
        : 'the minibatch trials sit between the two models';
  const both = !apart(t.minibatch, t.anisotropic, N) && !apart(t.minibatch, t.isotropic, N);
  return `Success within the targets' radius: minibatch SGD ${t.minibatch} / ${N}; the same stages with Gaussian kicks N(0, η²C(x*)) of the covariance measured at x* — the same at every step, not C at the iterate — ${t.anisotropic} / ${N}, with isotropic kicks of the same trace ${t.isotropic} / ${N}: ${verdict}${both ? ', and the minibatch trials match both within it' : ''}.`;
}

/** The noise card's words: the 2-D landscapes (or where they are drawn) and the model trials. */
export function noiseCardText(g: GradientNoise): string {
  const parts = [
    g.landscapes
      ? noiseLandscapesText(g.landscapes)
      : 'The landscapes under the measured and the isotropic noise are drawn side by side for d = 2 (for d > 2: on the plane through x* below); the QQ plot is for any d.',
  ];
  if (g.modelTrials) parts.push(noiseModelTrialsText(g.modelTrials));
  return parts.filter(Boolean).join(' ');
}

function formatPercent(v: number): string {
  return Number.isFinite(v) ? `${formatNumber(100 * v)}%` : 'n/a';
}
