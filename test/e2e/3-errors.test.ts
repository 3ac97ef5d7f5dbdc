/**
 * Scenario 3: a loss that throws and one that never returns. The error names the function and
 * the line, the extension host keeps answering while the hung call spins in its worker, and the
 * previous result stays on the panel.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameLocator } from 'playwright-core';
import { VsCode, copyExamples } from './harness';
import { CMD, chartState, eventually, lineOf, readPanel, storedRequest, tid, waitForNewRun, type PanelRun } from './sgd';

// The hung call is stopped this long after it starts. While it spins, the extension host must
// answer (below); the limit is the window for that answer, so it is generous for a loaded
// machine: a host blocked by the loss would never answer at all.
const STALL_SECONDS = 15;
let vs: VsCode;
let ws: string;
let frame: FrameLocator;
let good: PanelRun;

before(async () => {
  ws = copyExamples();
  vs = await VsCode.launch({ workspace: ws, settings: { 'sgdLandscape.stallSeconds': STALL_SECONDS } });
  // A good run first: its results must survive the failures.
  await vs.openFile('spiky.ts');
  await vs.runCommand(CMD.run);
  ({ frame, shown: good } = await waitForNewRun(vs));
});
after(async () => {
  await vs?.close();
});

async function waitForError(timeout: number): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const status = await frame.locator(tid('panel-root')).getAttribute('data-status');
    if (status === 'error') return ((await frame.locator(tid('error')).textContent()) ?? '').trim();
    if (Date.now() > deadline) throw new Error(`no error on the panel within ${timeout} ms (status ${status})`);
    await sleep(200);
  }
}

async function assertPreviousResultKept(): Promise<void> {
  const now = await readPanel(frame);
  assert.equal(now.run, good.run, 'the previous run is still the one on screen');
  assert.equal(now.summary, good.summary, 'its summary is still shown');
  assert.ok(await frame.locator(tid('error')).isVisible(), 'the error banner is visible');
  assert.ok((await chartState(frame, 'chart-landscape')).drawn, 'its landscape is still drawn');
  assert.ok((await chartState(frame, 'chart-finals')).drawn, 'its finals are still drawn');
}

test('a loss that throws: error names function and line, previous result stays', async () => {
  await vs.openFile('faulty.ts');
  await vs.runCommand(CMD.run);
  await vs.pickQuickItem('throwsNearOrigin');
  const text = await waitForError(60_000);
  const line = lineOf(join(ws, 'faulty.ts'), 'throw new Error');
  assert.match(text, /throwsNearOrigin/, `error names the function: ${text}`);
  assert.match(text, /boom: undefined near the origin/, `error carries the thrown message: ${text}`);
  assert.match(text, new RegExp(`faulty\\.ts:${line}\\b`), `error points at faulty.ts:${line}: ${text}`);
  // The failed run's request is on record (what 4-untrusted relies on finding empty).
  assert.equal((storedRequest(vs) as { exportName?: string } | undefined)?.exportName, 'throwsNearOrigin');
  const toast = await vs.waitForNotification(/throwsNearOrigin/);
  assert.match(toast, /boom/);
  await assertPreviousResultKept();
  await vs.screenshot('3-01-throws-error');
});

test('a loss that never returns: stopped with a clear error; the extension host answers meanwhile', async () => {
  await vs.openFile('faulty.ts');
  await vs.runCommand(CMD.run);
  await vs.pickQuickItem('neverReturns');
  // faulty.ts sets no η, radius or steps, so before its trials the run samples f's curvature in a
  // worker to suggest them (engine/suggest.ts): the file is bundled and that first call of f never
  // returns. The status line says where the run is.
  await eventually(
    'the run reaches the first call of f (sampling its curvature)',
    () => frame.locator(tid('status')).textContent(),
    (s) => /^Running neverReturns .*: sampling curvature\b/.test(s ?? ''),
    60_000,
  );
  // While that call spins, the extension host must still work: a file not opened before gets
  // its "Run SGD" CodeLens, which only the extension host computes. (Typing would show nothing
  // about the host: the editor and its keystrokes live in the browser. Nor is there a time limit
  // here beyond the stall window: a slow machine answers late, a blocked host never.)
  await vs.openFile('himmelblau.ts');
  await vs.codeLensAbove('export function himmelblau', 'Run SGD', STALL_SECONDS * 1000);
  assert.equal(
    await frame.locator(tid('panel-root')).getAttribute('data-status'),
    'running',
    'the CodeLens came while the hung call was still running',
  );
  await vs.screenshot('3-02-never-returns-running');

  const text = await waitForError(STALL_SECONDS * 1000 + 60_000);
  assert.match(text, /neverReturns/, `error names the function: ${text}`);
  assert.match(text, /did not return/, `error says what happened: ${text}`);
  const lines = [lineOf(join(ws, 'faulty.ts'), 'export function neverReturns'), lineOf(join(ws, 'faulty.ts'), 'while (true)')];
  assert.ok(
    lines.some((l) => new RegExp(`faulty\\.ts:${l}\\b`).test(text)),
    `error points at faulty.ts:${lines.join(' or ')}: ${text}`,
  );
  await assertPreviousResultKept();
  await vs.screenshot('3-03-never-returns-error');
});
