/**
 * The Slurm e2e (issue 11): starts a one-node Slurm cluster on this machine
 * (scripts/slurm-local.sh), submits a sweep of 8 cells as a job array of 8 shards plus a merge job
 * through scripts/slurm-sweep.sh, waits for the merge, checks the merged SWEEP-RESULT.json equals
 * the unsharded `sgd-landscape sweep` (timing aside), and stops the cluster.
 *
 * Needs root and Debian's `slurm-wlm` and `munge` (`.ci/run` installs them); elsewhere it is
 * skipped with the reason printed. Needs dist/ (`npm run build`; built here if missing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const PATH = [dirname(process.execPath), process.env.PATH ?? '', '/usr/sbin', '/sbin'].join(delimiter);

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { env: { ...process.env, PATH } }).status === 0;
}

function whyNot(): string | undefined {
  if (process.platform !== 'linux') return `Slurm runs on Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'starting slurmctld and slurmd needs root';
  const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'sinfo'].filter((b) => !has(b));
  if (missing.length > 0) return `Slurm is not installed (no ${missing.join(', ')}): apt-get install -y slurm-wlm munge`;
  return undefined;
}

const reason = whyNot();
if (reason) console.log(`# Slurm e2e skipped: ${reason}`);

test(
  'a sweep as a Slurm job array of 8 shards and a merge job equals the unsharded sweep',
  { skip: reason ?? false, timeout: 300_000 },
  (t) => {
    if (!existsSync(cli)) {
      const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
      assert.equal(b.status, 0, `npm run build failed:\n${b.stderr}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'sgd-slurm-'));
    const cluster = join(dir, 'cluster');
    const env = { ...process.env, PATH, SLURM_CONF: join(cluster, 'slurm.conf') };
    const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', timeout: 240_000 });

    const started = sh('bash', ['scripts/slurm-local.sh', 'start', cluster]);
    t.after(() => {
      sh('bash', ['scripts/slurm-local.sh', 'stop', cluster]);
    });
    assert.equal(started.status, 0, `the cluster did not start:\n${started.stderr}`);

    // 4 radii × 2 learning rates on Figure 3: 8 cells, one per shard.
    const config = join(dir, 'sweep.json');
    writeFileSync(
      config,
      JSON.stringify({
        function: 'figure3',
        seed: 5,
        trials: 16,
        xStar: [0],
        successRadius: 0.3,
        stages: [{ lr: 0.05, radius: 0.3, steps: 200, noise: 'uniform' }],
        sweep: { radius: [0, 0.3, 0.6, 1.2], lr: [0.01, 0.05] },
      }),
    );
    const local = join(dir, 'local.json');
    const l = sh(process.execPath, [cli, 'sweep', 'examples/paper-figure3.ts', '--config', config, '--out', local, '--quiet']);
    assert.equal(l.status, 0, l.stderr);

    const merged = join(dir, 'merged.json');
    const s = sh('bash', ['scripts/slurm-sweep.sh', 'examples/paper-figure3.ts', config, merged, '--shards', '8', '--wait']);
    const logs = () =>
      ['merge.log', ...Array.from({ length: 8 }, (_, k) => `shard-${k}.log`)]
        .map((f) => join(`${merged}.parts`, f))
        .filter(existsSync)
        .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').slice(0, 1500)}`)
        .join('\n');
    assert.equal(s.status, 0, `slurm-sweep.sh failed:\n${s.stderr}\n${logs()}`);
    assert.match(s.stderr, /array job \d+ \(8 shards/);

    const strip = (path: string) => {
      const { timing, ...rest } = JSON.parse(readFileSync(path, 'utf8'));
      return { rest, timing };
    };
    const a = strip(local);
    const b = strip(merged);
    assert.equal(b.rest.cells.length, 8);
    assert.deepEqual(b.rest, a.rest);
    assert.equal(b.timing.parts, 8);
    for (let k = 0; k < 8; k++) {
      assert.deepEqual(JSON.parse(readFileSync(join(`${merged}.parts`, `part-${k}.json`), 'utf8')).shard, { index: k, count: 8 });
    }
  },
);
