import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunSettings } from '../../src/protocol/webview';
import { parseFromWebview } from '../../src/protocol/validateWebview';
import { resolveConfig } from '../../src/engine/config';
import {
  addStage,
  derivedR,
  editedFields,
  lrToSlider,
  minibatchProblem,
  DEFAULT_BATCH_SIZE,
  parseField,
  removeStage,
  setStageField,
  sliderToLr,
  stagesOf,
} from '../../webview/sidebar/settings';
import { applyPreset, figure3Row2 } from '../../webview/sidebar/presets';
import { methodRows, methodsProblem, withMethods } from '../../webview/sidebar/methods';

const base: RunSettings = {
  lr: 0.05,
  radius: 0.3,
  noise: 'uniform',
  steps: 1000,
  trials: 50,
  seed: '1',
  stages: [{ lr: 0.05, radius: 0.3, noise: 'uniform', steps: 1000 }],
};

test('editing stage 1 keeps the flat fields equal to it; edits never mutate the input', () => {
  const s = setStageField(base, 0, 'lr', 0.01);
  assert.equal(s.lr, 0.01);
  assert.equal(s.stages![0]!.lr, 0.01);
  assert.equal(base.lr, 0.05);
  assert.equal(base.stages![0]!.lr, 0.05);
  const n = setStageField(s, 0, 'noise', 'gaussian');
  assert.equal(n.noise, 'gaussian');
  // without a stages list one stage is spelled out from the flat fields
  const flat: RunSettings = { lr: 0.1, radius: 0.2, noise: 'cube', steps: 10 };
  assert.deepEqual(stagesOf(flat), [{ lr: 0.1, radius: 0.2, noise: 'cube', steps: 10 }]);
  assert.deepEqual(setStageField(flat, 0, 'steps', 20).stages, [{ lr: 0.1, radius: 0.2, noise: 'cube', steps: 20 }]);
});

test('schedule editor: add halves the radius, edit a later stage, remove', () => {
  let s = addStage(base);
  assert.equal(s.stages!.length, 2);
  assert.equal(s.stages![1]!.radius, 0.15);
  s = setStageField(s, 1, 'steps', 300);
  assert.equal(s.stages![1]!.steps, 300);
  assert.equal(s.steps, 1000);
  s = removeStage(s, 0);
  assert.equal(s.stages!.length, 1);
  assert.equal(s.radius, 0.15); // flat fields follow the new first stage
  assert.equal(removeStage(s, 0).stages!.length, 1); // the last stage stays
});

test('presets: the paper’s Figure 3 settings, keeping η and steps', () => {
  const single = applyPreset(base, 'fig3-single', 1);
  assert.deepEqual(single.stages, [{ lr: 0.05, radius: 0.3, noise: 'uniform', steps: 1000 }]);
  assert.deepEqual(single.init, { low: [-3], high: [3] });
  assert.equal(single.trials, 100);
  const gd = applyPreset(base, 'gd', 1);
  assert.equal(gd.noise, 'none');
  assert.equal(gd.stages![0]!.noise, 'none');
  const four = applyPreset(base, 'fig3-stages', 2);
  assert.deepEqual(
    four.stages!.map((s) => s.radius),
    [0.3, 0.15, 0.05, 0.01],
  );
  assert.deepEqual(
    four.stages!.map((s) => s.init!.high[0]),
    [3, 1.5, 0.5, 0.3],
  );
  assert.deepEqual(four.stages![3]!.init, { low: [-0.3, -0.3], high: [0.3, 0.3] });
  assert.equal(four.radius, 0.3);
  // what the side panel sends passes the host's validation
  for (const s of [single, gd, four]) assert.ok(parseFromWebview({ type: 'run', exportName: 'f', settings: s }));
});

test('typed numbers, derived r and the log-scale learning-rate slider', () => {
  assert.equal(parseField(' 0.05 ', 1e-12, 1e3), 0.05);
  assert.equal(parseField('', 0, 1), undefined);
  assert.equal(parseField('abc', 0, 1), undefined);
  assert.equal(parseField('2', 0, 1), undefined);
  assert.equal(parseField('1.5', 1, 10, true), undefined);
  assert.equal(parseField('1e3', 1, 10000, true), 1000);
  assert.ok(Math.abs(derivedR(0.3, 0.05) - 6) < 1e-12);
  assert.ok(Number.isNaN(derivedR(0.3, 0)));
  assert.equal(lrToSlider(1e-4), 0);
  assert.equal(lrToSlider(1), 1000);
  assert.equal(lrToSlider(0.01), 500);
  assert.equal(sliderToLr(500), 0.01);
  for (const lr of [0.001, 0.05, 0.3]) assert.ok(Math.abs(sliderToLr(lrToSlider(lr)) - lr) / lr < 0.01);
});

test('Run sends only what the user edited: a radius edit, a trials edit, a preset', () => {
  const shown: RunSettings = { ...base, function: 'f', resolution: 101, domain: { low: [-3], high: [3] } };
  assert.deepEqual(editedFields(shown, shown), {}, 'nothing edited: nothing sent');
  const radius = setStageField(shown, 0, 'radius', 0.9);
  assert.deepEqual(editedFields(shown, radius), {
    radius: 0.9,
    stages: [{ lr: 0.05, radius: 0.9, noise: 'uniform', steps: 1000 }],
  });
  assert.deepEqual(editedFields(shown, { ...shown, trials: 7 }), { trials: 7 });
  const preset = editedFields(shown, applyPreset(shown, 'fig3-stages', 1));
  assert.deepEqual(Object.keys(preset).sort(), ['init', 'stages', 'trials'], 'stage 1 keeps the shown radius 0.3');
  assert.equal(preset.stages!.length, 4);
  // the function is the picker's, never a setting
  assert.deepEqual(editedFields(shown, { ...shown, function: 'g' }), {});
  for (const settings of [editedFields(shown, radius), preset]) assert.ok(parseFromWebview({ type: 'run', exportName: 'f', settings }));
});

test('methods: the list shows the pair ticked by default; ticking Adam and SAM sends RUN.json methods the host accepts', () => {
  const shown: RunSettings = { ...base, compareGd: true };
  const rows = methodRows(shown);
  assert.deepEqual(
    rows.map((r) => [r.name, r.kind, r.on, r.noise ?? '']),
    [
      ['SGD', 'sgd', true, ''],
      ['GD', 'sgd', true, 'none'],
      ['Momentum', 'momentum', false, ''],
      ['Nesterov', 'nesterov', false, ''],
      ['Adam', 'adam', false, ''],
      ['SAM', 'sam', false, ''],
    ],
  );
  // PyTorch's defaults, from the settings table.
  assert.deepEqual(rows.find((r) => r.name === 'Adam')!.params, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  assert.deepEqual(rows.find((r) => r.name === 'SAM')!.params, { rho: 0.05 });
  // Unchanged rows: no methods setting, so Run carries no change.
  assert.equal(withMethods(shown, rows).methods, undefined);
  assert.deepEqual(editedFields(shown, withMethods(shown, rows)), {});
  const ticked = rows.map((r) => (r.name === 'Adam' || r.name === 'SAM' ? { ...r, on: true } : r));
  ticked.find((r) => r.name === 'SAM')!.params.rho = 0.1;
  const next = withMethods(shown, ticked);
  assert.deepEqual(next.methods, [
    { name: 'SGD' },
    { name: 'GD', noise: 'none' },
    { name: 'Adam', optimizer: { kind: 'adam' } },
    { name: 'SAM', optimizer: { kind: 'sam', rho: 0.1 } },
  ]);
  const sent = editedFields(shown, next);
  assert.deepEqual(Object.keys(sent), ['methods']);
  const msg = parseFromWebview({ type: 'run', exportName: 'f', settings: sent });
  assert.ok(msg && msg.type === 'run' && msg.settings.methods?.length === 4, 'the host takes the methods');
  // Read back: the rows show what the settings run.
  assert.deepEqual(
    methodRows(next)
      .filter((r) => r.on)
      .map((r) => r.name),
    ['SGD', 'GD', 'Adam', 'SAM'],
  );
  assert.equal(methodRows(next).find((r) => r.name === 'SAM')!.params.rho, 0.1);
  // compareGd false: SGD alone by default; GD unticked.
  assert.deepEqual(
    methodRows({ ...base, compareGd: false })
      .filter((r) => r.on)
      .map((r) => r.name),
    ['SGD'],
  );
});

test('methods: none ticked or a bad parameter is refused; methods under other names are kept', () => {
  const rows = methodRows(base).map((r) => ({ ...r, on: false }));
  assert.match(methodsProblem(rows)!, /at least one method/);
  assert.equal(methodsProblem(methodRows(base)), undefined);
  // The host refuses what the side panel would never send (beta ≥ 1, an unknown optimizer).
  for (const methods of [[{ name: 'M', optimizer: { kind: 'momentum', beta: 1 } }], [{ name: 'X', optimizer: { kind: 'lion' } }]]) {
    assert.equal(parseFromWebview({ type: 'run', settings: { methods } }), undefined, JSON.stringify(methods));
  }
  const file: RunSettings = { ...base, methods: [{ name: 'slow Adam', optimizer: { kind: 'adam', beta1: 0.5 } }, { name: 'SGD' }] };
  const r = methodRows(file);
  assert.deepEqual(
    r.filter((x) => x.on).map((x) => x.name),
    ['SGD', 'slow Adam'],
  );
  assert.deepEqual(r.find((x) => x.name === 'slow Adam')!.params, { beta1: 0.5, beta2: 0.999, eps: 1e-8 });
  assert.deepEqual(withMethods(file, r).methods, [{ name: 'SGD' }, { name: 'slow Adam', optimizer: { kind: 'adam', beta1: 0.5 } }]);
});

test('Figure 3 row 2: GD then uniform noise 0.15, 0.3, 0.6, each a single-method run the host accepts as a series', () => {
  const shown: RunSettings = { ...base, compareGd: true };
  const series = figure3Row2(shown, 1);
  assert.deepEqual(
    series.map((s) => [s.stages![0]!.noise, s.noise === 'none' ? 0 : s.stages![0]!.radius, s.trials, s.compareGd, s.methods]),
    [
      ['none', 0, 100, false, undefined],
      ['uniform', 0.15, 100, false, undefined],
      ['uniform', 0.3, 100, false, undefined],
      ['uniform', 0.6, 100, false, undefined],
    ],
  );
  for (const s of series) {
    assert.equal(s.lr, 0.05, 'the user’s η');
    assert.equal(s.steps, 1000, 'the user’s steps');
    assert.deepEqual(s.init, { low: [-3], high: [3] });
  }
  const msg = parseFromWebview({ type: 'runSeries', exportName: 'f', settings: series.map((s) => editedFields(shown, s)) });
  assert.ok(msg && msg.type === 'runSeries' && msg.settings.length === 4);
  assert.equal(parseFromWebview({ type: 'runSeries', settings: [editedFields(shown, series[0]!)] }), undefined, 'one run is no series');
  assert.equal(parseFromWebview({ type: 'runSeries', settings: [{ lr: -1 }, {}] }), undefined, 'each settings checked');
});

test('issue 14: a minibatch stage from the side panel: B and sampling in the stage, no radius; the host resolves it', () => {
  // What the panel shows for examples/least-squares.ts (its defaults: minibatch, B = 4; n = 44).
  const options = { domain: { low: [-3, -2], high: [5, 6] }, defaults: { lr: 0.1, steps: 500, noise: 'minibatch' as const, batchSize: 4 } };
  const shown: RunSettings = {
    lr: 0.1,
    radius: 0,
    noise: 'minibatch',
    steps: 500,
    trials: 100,
    seed: '1',
    stages: [{ lr: 0.1, radius: 0, noise: 'minibatch', steps: 500, batchSize: 4 }],
  };
  const resolve = (edited: RunSettings) => {
    const settings = editedFields(shown, edited);
    const msg = parseFromWebview({ type: 'run', exportName: 'leastSquares', settings });
    assert.ok(msg && msg.type === 'run', JSON.stringify(settings));
    return resolveConfig({ function: 'leastSquares', ...msg.settings }, { dim: 2, options, examples: 44 });
  };
  // B and sampling edited in stage 1.
  const b8 = setStageField(setStageField(shown, 0, 'batchSize', 8), 0, 'sampling', 'shuffle');
  assert.deepEqual(editedFields(shown, b8), {
    stages: [{ lr: 0.1, radius: 0, noise: 'minibatch', steps: 500, batchSize: 8, sampling: 'shuffle' }],
  });
  const c8 = resolve(b8).stages[0]!;
  assert.equal(c8.batchSize, 8);
  assert.equal(c8.sampling, 'shuffle');
  assert.equal(c8.radius, 0);
  // Switched to uniform noise: B and sampling go, a radius comes back (the table's default); the file's B below is dropped.
  const uni = setStageField(b8, 0, 'noise', 'uniform');
  assert.equal(uni.stages![0]!.batchSize, undefined);
  assert.equal(uni.stages![0]!.sampling, undefined);
  assert.equal(uni.radius, 0.3);
  const cu = resolve(uni).stages[0]!;
  assert.equal(cu.noise, 'uniform');
  assert.equal(cu.radius, 0.3);
  assert.equal(cu.batchSize, undefined);
  // And back: radius 0, B the default (at most n), never a flat B that would fill other stages.
  const back = setStageField(uni, 0, 'noise', 'minibatch', 44);
  assert.equal(back.stages![0]!.batchSize, DEFAULT_BATCH_SIZE);
  assert.equal(back.radius, 0);
  assert.equal(back.batchSize, undefined);
  assert.equal(setStageField(uni, 0, 'noise', 'minibatch', 10).stages![0]!.batchSize, 10, 'B at most n');
  assert.equal(resolve(back).stages[0]!.batchSize, DEFAULT_BATCH_SIZE);
  // A later stage: after a minibatch stage "Add stage" doubles B (at most n), a uniform stage after it resolves too.
  const two = addStage(back, 44);
  assert.deepEqual(two.stages![1], { lr: 0.1, radius: 0, noise: 'minibatch', steps: 500, batchSize: 32 });
  assert.equal(addStage(two, 44).stages![2]!.batchSize, 44);
  const mixed = setStageField(two, 1, 'noise', 'gaussian');
  const cm = resolve(mixed);
  assert.deepEqual(
    cm.stages.map((s) => [s.noise, s.batchSize, s.radius]),
    [
      ['minibatch', DEFAULT_BATCH_SIZE, 0],
      ['gaussian', undefined, 0.3],
    ],
  );
  // B above n, or minibatch on a loss that is not a finite sum: the panel says so (and the host would refuse it).
  const big = setStageField(back, 0, 'batchSize', 45);
  assert.equal(minibatchProblem(big.stages![0]!, 1, { finiteSum: true, n: 44 }), 'Stage 1: batch size B = 45 is above n = 44.');
  assert.throws(() => resolve(big), /batchSize.*at most the number of examples n = 44, got 45/);
  assert.match(minibatchProblem(back.stages![0]!, 1, { finiteSum: false, n: null })!, /needs a finite-sum loss/);
  assert.equal(minibatchProblem(back.stages![0]!, 1, { finiteSum: true, n: null }), undefined, 'n known only once the file runs');
  assert.equal(minibatchProblem(uni.stages![0]!, 1, { finiteSum: false, n: null }), undefined);
});
