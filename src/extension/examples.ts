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
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export const EXAMPLES_FOLDER = 'sgd-landscape-examples';
const FIRST_EXAMPLE = 'paper-figure3.ts';

/** Copies `src` into `dest` recursively; returns what was copied and what already existed. */
export async function copyTree(src: string, dest: string): Promise<{ copied: string[]; kept: string[] }> {
  const copied: string[] = [];
  const kept: string[] = [];
  const walk = async (dir: string) => {
    await mkdir(join(dest, relative(src, dir)), { recursive: true });
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const from = join(dir, entry.name);
      const rel = relative(src, from);
      if (entry.isDirectory()) {
        await walk(from);
      } else if (entry.isFile()) {
        const to = join(dest, rel);
        if (await exists(to)) kept.push(rel);
        else {
          await copyFile(from, to);
          copied.push(rel);
        }
      }
    }
  };
  await walk(src);
  return { copied, kept };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

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
