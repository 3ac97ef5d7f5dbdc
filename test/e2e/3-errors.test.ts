/**
 * Scenario 3: a loss that throws and one that never returns. The error names the function and
 * the line, the editor stays responsive while the hung call is being watched, and the previous
 * result stays on the panel.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameLocator } from 'playwright-core';
import { VsCode, copyExamples } from './harness';
import { CMD, chartState, eventually, lineOf, readPanel, tid, waitForNewRun, type PanelRun } from './sgd';

const STALL_SECONDS = 6;
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
  const toast = await vs.waitForNotification(/throwsNearOrigin/);
  assert.match(toast, /boom/);
  await assertPreviousResultKept();
  await vs.screenshot('3-01-throws-error');
});

test('a loss that never returns: stopped with a clear error, editor responsive meanwhile', async () => {
  await vs.openFile('faulty.ts');
  await vs.runCommand(CMD.run);
  await vs.pickQuickItem('neverReturns');
  await eventually(
    'the run starts',
    () => frame.locator(tid('panel-root')).getAttribute('data-status'),
    (s) => s === 'running',
    30_000,
  );
  // While the hung call is being watched, the editor takes typing at once.
  const marker = `// typed while neverReturns runs ${Date.now()}`;
  await vs.editorLine('export function neverReturns').click();
  await vs.page.keyboard.press('Control+End'); // the empty last line
  const t0 = Date.now();
  await vs.page.keyboard.type(marker);
  await vs.editorLine(marker).waitFor({ state: 'visible', timeout: 3_000 });
  const typingMs = Date.now() - t0;
  assert.equal(await frame.locator(tid('panel-root')).getAttribute('data-status'), 'running', 'the run was still going while typing');
  await vs.screenshot('3-02-never-returns-running');
  for (let i = 0; i < 3; i++) await vs.page.keyboard.press('Control+Z');

  const text = await waitForError(STALL_SECONDS * 1000 + 60_000);
  assert.match(text, /neverReturns/, `error names the function: ${text}`);
  assert.match(text, /did not return/, `error says what happened: ${text}`);
  const lines = [lineOf(join(ws, 'faulty.ts'), 'export function neverReturns'), lineOf(join(ws, 'faulty.ts'), 'while (true)')];
  assert.ok(
    lines.some((l) => new RegExp(`faulty\\.ts:${l}\\b`).test(text)),
    `error points at faulty.ts:${lines.join(' or ')}: ${text}`,
  );
  await assertPreviousResultKept();
  assert.ok(typingMs < 3_000, `typing showed up in ${typingMs} ms`);
  await vs.screenshot('3-03-never-returns-error');
});
