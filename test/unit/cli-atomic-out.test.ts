/**
 * RESULT.json is written whole or not at all (issue 8): the CLI is stopped with SIGTERM at the
 * first sign of writing in the --out folder, and the previous result must still be there, with no
 * half-written or temporary file left beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

test('SIGTERM while RESULT.json is written leaves the previous result and no temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-atomic-'));
  const outDir = join(dir, 'out');
  mkdirSync(outDir);
  writeFileSync(join(dir, 'loss.ts'), 'export function bowl(x: number, y: number): number {\n  return x * x + y * y;\n}\n');
  // A result of several MB (the finals, starts and stage finals of 20,000 trials), so writing it takes a while.
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({
      trials: 20000,
      steps: 20,
      checkpoints: 50,
      resolution: 5,
      sampleTrajectories: 1,
      trajectoryPoints: 2,
      compareGd: false,
    }),
  );
  const result = join(outDir, 'RESULT.json');
  writeFileSync(result, 'old');
  const child = spawn(process.execPath, [cli, 'run', 'loss.ts', '--config', 'run.json', '--out', result, '--quiet'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The first change in the folder other than the check made before the run (a `.probe` file) is
  // the result being written: stop the CLI right then.
  let seen = '';
  const watcher = watch(outDir, (_event, name) => {
    if (seen || !name || name.endsWith('.probe')) return;
    seen = String(name);
    child.kill('SIGTERM');
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  watcher.close();
  assert.ok(seen, `the CLI ended (exit ${code}, ${signal}) before writing anything: ${stderr}`);
  assert.equal(signal, 'SIGTERM', `stopped by the signal, not finished: exit ${code} ${stderr}`);
  // Stopped mid-write: the old result stands, whole; nothing else is left in the folder.
  assert.equal(readFileSync(result, 'utf8'), 'old');
  assert.deepEqual(readdirSync(outDir), ['RESULT.json']);
});
