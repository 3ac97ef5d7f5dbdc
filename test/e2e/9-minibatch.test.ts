/**
 * Scenario 9 (issue 14): a finite-sum loss with minibatch noise. Open `least-squares.ts` (its
 * defaults: minibatch SGD, B = 4 of 44 examples), run it from the command palette; the panel's card
 * "Minibatch noise against the isotropic model" shows g under the measured noise beside g under
 * the isotropic model, their c(y) maps and the QQ plot of the kicks (screenshots), and its words
 * are those of the stored result (with which noise model the trials followed). Then `two-layer-net.ts` (d = 17, its defaults: minibatch SGD, B = 16
 * of 80): the card "Landscape on a plane through x*" draws f, g under the measured noise and g
 * under the isotropic model on the plane of C(x*)'s top two eigenvectors with the paths projected,
 * and the c(y) maps (screenshots); its words are those of the stored result, and the noise card's
 * words say which noise model the trials followed (the Gaussian models' trials run for d = 17 too).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { noiseCardText } from '../../src/view/gradientNoise';
import { VsCode, copyExamples } from './harness';
import { planeText } from '../../src/view/plane';
import { CMD, canvasPixels, chartState, panel, readPanel, storedResults, tid, waitForNewRun } from './sgd';

let vs: VsCode;

before(async () => {
  vs = await VsCode.launch({ workspace: copyExamples() });
});
after(async () => {
  await vs?.close();
});

test('least squares with minibatch noise: the measured and the isotropic landscapes side by side, the QQ plot', async () => {
  await vs.openFile('least-squares.ts');
  await vs.runCommand(CMD.run);
  const { frame, shown } = await waitForNewRun(vs, '', 400_000);
  assert.match(shown.label, /^leastSquares · 2-D · .*minibatch noise, B = 4/, shown.label);
  const card = frame.locator(tid('noise-card'));
  assert.equal(await card.getAttribute('hidden'), null, 'the noise card is shown for a minibatch run');

  const stored = storedResults(vs);
  const nl = stored[0]!.diagnostics.gradientNoise!.landscapes!;
  assert.ok(nl, 'the stored result has the two landscapes');
  assert.equal(
    await frame.locator(tid('noise-text')).textContent(),
    noiseCardText(stored[0]!.diagnostics.gradientNoise!),
    'the card says what the result holds',
  );

  const grid = stored[0]!.landscape.x.length * stored[0]!.landscape.y!.length;
  for (const [id, atLeast] of [
    ['chart-noise-g', 2 * grid],
    // c(y) at x* is the curvature limit, NaN when x* sits on the grid's edge.
    ['chart-noise-c', 2 * grid - 2],
    ['chart-noise-qq', 99],
  ] as const) {
    await chartDrawn(frame, id, atLeast);
  }
});

test('the two-layer network (d = 17) with minibatch noise: f and both smoothed landscapes on the plane of C’s top eigenvectors, the paths projected', async () => {
  const before = await readPanelRun();
  await vs.openFile('two-layer-net.ts');
  await vs.runCommand(CMD.run);
  const { frame, shown } = await waitForNewRun(vs, before, 600_000);
  assert.match(shown.label, /^xorNet · /, shown.label);
  const card = frame.locator(tid('plane-card'));
  assert.equal(await card.getAttribute('hidden'), null, 'the plane card is shown for d > 2');
  const stored = storedResults(vs);
  const plane = stored[0]!.diagnostics.plane!;
  assert.equal(plane.source, 'noise-eigenvectors');
  assert.equal(await frame.locator(tid('plane-text')).textContent(), planeText(plane), 'the card says what the result holds');
  const cells = plane.alpha.length * plane.beta.length;
  for (const [id, atLeast] of [
    // f, g under the measured noise and g under the isotropic model (with the projected finals on each).
    ['chart-plane-g', 3 * cells],
    // c(y) under each (x* itself: its curvature limit).
    ['chart-plane-c', 2 * cells - 2],
  ] as const) {
    await chartDrawn(frame, id, atLeast);
  }
  // Which noise model the trials followed, for d = 17 too: the Gaussian models' trials in the result and the card's words.
  const gn = stored[0]!.diagnostics.gradientNoise!;
  assert.equal(gn.modelTrials?.trials, stored[0]!.config.trials);
  assert.equal(gn.modelTrials?.anisotropicFinals[0]?.length, 17);
  assert.equal(await frame.locator(tid('noise-text')).textContent(), noiseCardText(gn), 'the noise card says what the result holds');
  // The 2-D maps of g and c(y) under the two noises are not shown for d = 17 (they are on the plane card), not left holding the last run's.
  for (const id of ['chart-noise-g', 'chart-noise-c'])
    assert.equal(await frame.locator(tid(id)).isVisible(), false, `${id} hidden for d = 17`);
  // The noise card's QQ plot is drawn for any d.
  const qq = await chartState(frame, 'chart-noise-qq');
  assert.ok(qq.drawn && qq.points >= 99, `chart-noise-qq drawn (${qq.points})`);
  await frame.locator(tid('chart-noise-qq')).scrollIntoViewIfNeeded();
  await vs.screenshot('9-two-layer-noise-qq');
});

/** The run the panel shows now ('' before any). */
async function readPanelRun(): Promise<string> {
  const frame = await panel(vs, 60_000);
  return (await readPanel(frame).catch(() => undefined))?.run ?? '';
}

/** Chart `id` is drawn with at least `atLeast` points, visible and inked; screenshotted as 9-<id>. */
async function chartDrawn(frame: Awaited<ReturnType<typeof panel>>, id: string, atLeast: number): Promise<void> {
  const c = await chartState(frame, id);
  assert.ok(c.drawn, `${id} is drawn (${c.error ?? 'no error recorded'})`);
  assert.ok(c.points >= atLeast, `${id} drew its data (${c.points} ≥ ${atLeast})`);
  assert.ok(c.width > 150 && c.height > 80, `${id} is visible (${c.width}×${c.height})`);
  const px = await canvasPixels(frame, id);
  assert.ok(px.inked > 0.005, `${id} has ink (${(px.inked * 100).toFixed(2)}%)`);
  await frame.locator(tid(id)).scrollIntoViewIfNeeded();
  await vs.screenshot(`9-${id}`);
}
