/**
 * The plain loop as a whole process (npm run bench's reference for the CLI figures of issue 15):
 * `node dist/bench-plain.js TRIALS STEPS` runs TRIALS × STEPS SGD steps on 2-D Rastrigin with
 * central differences (the engine's difference-step rule) and uniform disk noise on one core,
 * nothing recorded, and prints the sum of the final coordinates.
 */
import { rastrigin } from './losses';
import { plainSgd2d } from './plainLoop';

const trials = Number(process.argv[2]);
const steps = Number(process.argv[3]);
const lr = Number(process.argv[4] ?? 0.002);
const radius = Number(process.argv[5] ?? 0.3);
if (!(trials > 0 && steps > 0)) throw new Error('usage: bench-plain TRIALS STEPS [LR RADIUS]');
const starts = new Float64Array(2 * trials);
for (let i = 0; i < starts.length; i++) starts[i] = -5.12 + 10.24 * Math.random();
console.log(plainSgd2d(rastrigin, starts, lr, radius, steps));
