// The CLI's `typescript`: the compiler (10 MB) is loaded from dist/typescript.js on first use,
// not at start-up, so `--version`, `--help`, `merge` and argument errors never parse it
// (scripts/build.mjs resolves the CLI's imports of 'typescript' to this file). Reading a
// property loads it; `__esModule` and the key list (what esbuild's import helper reads at load
// time) do not.
let compiler;
// A plain require, left as it is by esbuild (external): the point is to load it late.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = () => (compiler ??= require('./typescript.js'));
module.exports = new Proxy(
  {},
  {
    get: (_target, key) => (key === '__esModule' ? undefined : load()[key]),
    has: (_target, key) => key in load(),
    ownKeys: () => [],
  },
);
