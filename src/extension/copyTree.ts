/** Recursive copy that never overwrites (used by "Open examples"). No `vscode` import. */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

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

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
