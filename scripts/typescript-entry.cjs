// dist/typescript.js: the TypeScript compiler on its own, loaded by the CLI only when it reads a
// loss file's exports (scripts/lazy-typescript.cjs).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS entry re-exporting a CommonJS package
module.exports = require('typescript');
