// The one global the engine uses beyond ES2022: a monotonic clock for its phase timings. Node,
// worker threads and browsers all provide `performance.now()` (High Resolution Time), so it is
// declared here instead of giving the engine the DOM or Node types (tsconfig.engine.json).
declare const performance: { now(): number };
