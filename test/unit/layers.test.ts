/**
 * The per-runtime TypeScript projects (tsconfig.<name>.json, built by `npm run typecheck`) fail a
 * file that reaches for another runtime. For each project a probe file placed in its folder (kept
 * in memory, never written) uses, one per line, the vscode API, a Node module, a DOM global and a
 * Node global; the type check of the probe, with that project's own options, must reject exactly
 * the lines the project may not use and accept the others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');

type Use = 'vscode' | 'node module' | 'DOM' | 'Node global';

/** One line per use; each line exports something so `noUnusedLocals` cannot be what fails it. */
const PROBE: Array<[Use, string]> = [
  ['vscode', "import type * as vscode from 'vscode'; export type U = vscode.Uri;"],
  ['node module', "import { readFileSync } from 'node:fs'; export const read = readFileSync;"],
  ['DOM', 'export const title = (): string => document.title;'],
  ['Node global', 'export const env = (): unknown => process.env;'],
];

const PROJECTS: Array<{ config: string; dir: string; allowed: Use[] }> = [
  { config: 'tsconfig.engine.json', dir: 'src/engine', allowed: [] },
  { config: 'tsconfig.protocol.json', dir: 'src/protocol', allowed: [] },
  { config: 'tsconfig.view.json', dir: 'src/view', allowed: [] },
  { config: 'tsconfig.examples.json', dir: 'examples', allowed: [] },
  { config: 'tsconfig.webview.json', dir: 'webview/shared', allowed: ['DOM'] },
  { config: 'tsconfig.runner.json', dir: 'src/runner', allowed: ['node module', 'Node global'] },
  { config: 'tsconfig.runner.json', dir: 'src/cli', allowed: ['node module', 'Node global'] },
  { config: 'tsconfig.host.json', dir: 'src/extension', allowed: ['vscode', 'node module', 'Node global'] },
];

/** Parsed library and declaration files, shared by the programs (they are the slow part). */
const parsedFiles = new Map<string, ts.SourceFile | undefined>();

/** Lines of the probe (0-based) that the project's type check reports errors on. */
function rejectedLines(configFile: string, dir: string, probeText: string): { lines: Set<number>; messages: string[]; project: string[] } {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, configFile),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  assert.ok(parsed, configFile);
  assert.deepEqual(parsed.errors, [], `${configFile} parses`);
  const probe = join(root, dir, '__layer_probe__.ts');
  // Only the probe is checked (not the whole project), without emitting anything.
  const options: ts.CompilerOptions = {
    ...parsed.options,
    composite: false,
    declaration: false,
    emitDeclarationOnly: false,
    noEmit: true,
    incremental: false,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === probe || fileExists.call(host, f);
  host.readFile = (f) => (f === probe ? probeText : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) => {
    if (f === probe) return ts.createSourceFile(f, probeText, lang);
    const key = `${typeof lang === 'object' ? lang.languageVersion : lang}:${f}`;
    if (!parsedFiles.has(key)) parsedFiles.set(key, getSourceFile.call(host, f, lang, ...rest));
    return parsedFiles.get(key);
  };
  const program = ts.createProgram({ rootNames: [probe], options, host });
  const lines = new Set<number>();
  const messages: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    assert.ok(d.file && d.start !== undefined, `a diagnostic outside the probe: ${text}`);
    assert.equal(d.file.fileName, probe, `a diagnostic outside the probe: ${text}`);
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    lines.add(line);
    messages.push(`line ${line + 1}: ${text}`);
  }
  return { lines, messages, project: parsed.fileNames };
}

for (const { config, dir, allowed } of PROJECTS) {
  test(`${config} (${dir}) may use: ${allowed.length ? allowed.join(', ') : 'nothing beyond ES2022'}`, () => {
    const { lines, messages, project } = rejectedLines(config, dir, PROBE.map(([, code]) => code).join('\n'));
    // The project really holds the folder's files (a probe in a folder no project includes proves nothing).
    assert.ok(
      project.some((f) => f.startsWith(join(root, dir) + '/')),
      `${config} includes the files of ${dir}`,
    );
    PROBE.forEach(([use], line) => {
      if (allowed.includes(use)) assert.ok(!lines.has(line), `${dir} may use ${use}, but: ${messages.join('; ')}`);
      else assert.ok(lines.has(line), `${dir} must not use ${use}; the type check reported only: ${messages.join('; ') || 'nothing'}`);
    });
  });
}

test('tsconfig.json builds every per-runtime project', () => {
  const solution = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config as {
    files: string[];
    references: Array<{ path: string }>;
  };
  assert.deepEqual(solution.files, [], 'the solution file checks nothing itself');
  const listed = solution.references.map((r) => r.path.replace(/^\.\//, '')).sort();
  const expected = [...new Set([...PROJECTS.map((p) => p.config), 'tsconfig.test.json', 'tsconfig.e2e.json'])].sort();
  assert.deepEqual(listed, expected);
});
