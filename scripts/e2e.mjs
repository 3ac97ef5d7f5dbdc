// `npm run test:e2e`: package the extension, install the tools (cached), run the e2e suite in a real
// VS Code (code-server) driven by headless Chromium, then list the screenshots and the time taken.
//
//   node scripts/e2e.mjs [--no-package] [test/e2e/<file>.test.ts ...]
//
// --no-package reuses the existing .vsix (quicker when only the tests changed).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const noPackage = args.includes('--no-package');
const files = args.filter((a) => !a.startsWith('--'));
const t0 = Date.now();

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!noPackage && run(npm, ['run', 'package']) !== 0) {
  console.error('e2e: npm run package failed');
  process.exit(1);
}
if (run('bash', ['scripts/tools.sh'], { stdio: ['ignore', 'ignore', 'inherit'] }) !== 0) {
  console.error('e2e: scripts/tools.sh failed');
  process.exit(1);
}

const artifacts = join('test-artifacts', 'e2e');
rmSync(artifacts, { recursive: true, force: true });

const tests = files.length
  ? files
  : readdirSync('test/e2e')
      .filter((f) => f.endsWith('.test.ts'))
      .sort()
      .map((f) => join('test/e2e', f));

const tSuite = Date.now();
// One VS Code at a time: each test file starts code-server + Chromium, and these machines have 2 cores.
const status = run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...tests]);
const suiteSec = ((Date.now() - tSuite) / 1000).toFixed(1);

console.log('\n=== e2e screenshots (test-artifacts/e2e) ===');
if (existsSync(artifacts)) {
  for (const f of readdirSync(artifacts).sort()) {
    const p = join(artifacts, f);
    console.log(`  ${p}  ${(statSync(p).size / 1024).toFixed(0)} KiB`);
  }
} else {
  console.log('  (none)');
}
console.log(
  `=== e2e suite: ${suiteSec} s (${tests.length} files); with packaging: ${((Date.now() - t0) / 1000).toFixed(1)} s; ${status === 0 ? 'PASSED' : 'FAILED'} ===`,
);
process.exit(status);
