/**
 * "Open examples": the extension ships `examples/`; this copies them into a folder the user
 * picks (by default `sgd-landscape-examples/` in the first workspace folder) and opens the
 * paper's Figure 3 example.
 *
 * Why copy rather than open in place: the installed extension folder is read-only in spirit
 * (edits vanish on update), it is outside the workspace (so trust and watch mode would not
 * apply), and the point of the examples is to be edited and re-run. Existing files are never
 * overwritten, so re-running the command keeps the user's edits.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { copyTree, exists } from './copyTree';

export const EXAMPLES_FOLDER = 'sgd-landscape-examples';
const FIRST_EXAMPLE = 'paper-figure3.ts';

/** `target`: a folder to copy into directly (tests, scripts); else the user picks one. */
export async function openExamples(context: vscode.ExtensionContext, target?: vscode.Uri | string): Promise<string | undefined> {
  const src = context.asAbsolutePath('examples');
  let dest: string | undefined = typeof target === 'string' ? target : target?.fsPath;
  if (!dest) {
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: ws,
      openLabel: 'Copy examples here',
      title: `SGD Landscape: copy the examples into <folder>/${EXAMPLES_FOLDER}`,
    });
    if (!picked?.[0]) return undefined;
    dest = join(picked[0].fsPath, EXAMPLES_FOLDER);
  }
  const { copied, kept } = await copyTree(src, dest);
  const first = join(dest, FIRST_EXAMPLE);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file((await exists(first)) ? first : dest));
  await vscode.window.showTextDocument(doc);
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dest));
  const note = kept.length ? ` (${kept.length} existing file${kept.length === 1 ? '' : 's'} kept as they were)` : '';
  const msg = `SGD Landscape: ${copied.length} example file${copied.length === 1 ? '' : 's'} copied to ${dest}${note}. Use the "Run SGD" lens above a function.`;
  if (inWorkspace) void vscode.window.showInformationMessage(msg);
  else {
    void vscode.window.showInformationMessage(`${msg} The folder is outside the workspace.`, 'Open Folder').then((a) => {
      if (a === 'Open Folder') void vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dest!));
    });
  }
  return dest;
}
