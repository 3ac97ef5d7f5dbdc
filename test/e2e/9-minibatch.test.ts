/**
 * Scenario 9 (issue 14): a finite-sum loss with minibatch noise. Open `least-squares.ts` (its
 * defaults: minibatch SGD, B = 4 of 44 examples), run it from the command palette; the panel's card
 * "Minibatch noise against the isotropic model" shows g under the measured noise beside g under
 * the isotropic model, their c(y) maps and the QQ plot of the kicks (screenshots), and its words
 * are those of the stored result.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { noiseLandscapesText } from '../../src/view/gradientNoise';
import { VsCode, copyExamples } from './harness';
import { CMD, canvasPixels, chartState, storedResults, tid, waitForNewRun } from './sgd';

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
  assert.equal(await frame.locator(tid('noise-text')).textContent(), noiseLandscapesText(nl), 'the card says what the result holds');

  const grid = stored[0]!.landscape.x.length * stored[0]!.landscape.y!.length;
  for (const [id, atLeast] of [
    ['chart-noise-g', 2 * grid],
    // c(y) at x* is the curvature limit, NaN when x* sits on the grid's edge.
    ['chart-noise-c', 2 * grid - 2],
    ['chart-noise-qq', 99],
  ] as const) {
    const c = await chartState(frame, id);
    assert.ok(c.drawn, `${id} is drawn (${c.error ?? 'no error recorded'})`);
    assert.ok(c.points >= atLeast, `${id} drew its data (${c.points} ≥ ${atLeast})`);
    assert.ok(c.width > 150 && c.height > 80, `${id} is visible (${c.width}×${c.height})`);
    const px = await canvasPixels(frame, id);
    assert.ok(px.inked > 0.005, `${id} has ink (${(px.inked * 100).toFixed(2)}%)`);
    await frame.locator(tid(id)).scrollIntoViewIfNeeded();
    await vs.screenshot(`9-${id}`);
  }
});
