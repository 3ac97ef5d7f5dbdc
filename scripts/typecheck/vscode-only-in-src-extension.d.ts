// Deliberately not a module. tsconfig.base.json maps the module name `vscode` here, so in every
// project but the extension host's (tsconfig.host.json) and the tests' an import of 'vscode' fails
// the type check with "File '…/vscode-only-in-src-extension.d.ts' is not a module". (Without the
// mapping, `import 'vscode'` would resolve to node_modules/@types/vscode in any project.)
