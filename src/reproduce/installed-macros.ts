/**
 * The macro files aclocal copies into aclocal.m4 from where it is installed:
 * what the regenerated aclocal.m4 was made with, for the stabilizer that
 * forgives another genuine version of one (stabilizers.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aclocalDir, type FoundTool } from './tools.js';
import { systemMacroFolders } from './projects.js';

const macroFolders = new Map<string, Promise<Map<string, string>>>();

/**
 * The .m4 files aclocal copies from: its system folder and its own
 * (`aclocal --print-ac-dir`, remembered in the cache by the program's
 * identity, and that name with -VERSION), and for one cuckoo built the
 * system's (systemMacroFolders). The files, a few dozen small ones, are
 * read at once.
 */
export function installedMacros(tool: FoundTool, cacheDir?: string): Promise<Map<string, string>> {
  const aclocal = tool.programs.aclocal!;
  let known = macroFolders.get(aclocal);
  if (!known) {
    known = (async () => {
      const out = new Map<string, string>();
      const system = await aclocalDir(aclocal, cacheDir);
      if (!system) return out;
      const own = `${system}-${tool.version.split('.').slice(0, 2).join('.')}`;
      for (const dir of [system, own, ...systemMacroFolders(tool)]) {
        let names: string[];
        try {
          names = readdirSync(dir);
        } catch {
          continue;
        }
        for (const name of names) {
          if (!name.endsWith('.m4') || out.has(name)) continue;
          try {
            out.set(name, readFileSync(join(dir, name), 'utf8'));
          } catch {
            // gone, or a folder with a .m4 name: aclocal would not copy it either
          }
        }
      }
      return out;
    })();
    macroFolders.set(aclocal, known);
  }
  return known;
}
