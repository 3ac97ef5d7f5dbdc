// Preloaded into a process the bench times (NODE_OPTIONS=--require): at exit, appends the
// process's peak resident memory (KB, worker threads included) to $BENCH_PEAK_FILE.
const { appendFileSync } = process.getBuiltinModule('node:fs');
const file = process.env.BENCH_PEAK_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
