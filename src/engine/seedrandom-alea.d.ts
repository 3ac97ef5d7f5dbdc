// seedrandom's Alea generator on its own (`seedrandom/lib/alea`, the very function the package
// exports as `seedrandom.alea`): the package's index also loads its other generators and Node's
// crypto (for auto-seeding, which the engine never uses), ~10 ms at every start of the CLI and of
// each worker thread.
declare module 'seedrandom/lib/alea' {
  import type seedrandom from 'seedrandom';
  const alea: typeof seedrandom.alea;
  export = alea;
}
