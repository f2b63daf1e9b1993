/**
 * The macro files aclocal copies into aclocal.m4 from where it is installed:
 * what the regenerated aclocal.m4 was made with, for the stabilizer that
 * forgives another genuine version of one (stabilizers.ts).
 */
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FoundTool } from './tools.js';

const macroFolders = new Map<string, Promise<Map<string, string>>>();

/** The .m4 files aclocal copies from: its system folder and its own (`aclocal --print-ac-dir`, and that name with -VERSION). */
export function installedMacros(tool: FoundTool): Promise<Map<string, string>> {
  const aclocal = tool.programs.aclocal!;
  let known = macroFolders.get(aclocal);
  if (!known) {
    known = (async () => {
      const out = new Map<string, string>();
      const r = await execa(aclocal, ['--print-ac-dir'], { reject: false, stdin: 'ignore', timeout: 20_000, encoding: 'utf8' }).catch(() => undefined);
      const system = String(r?.stdout ?? '').trim();
      if (!system.startsWith('/')) return out;
      const own = `${system}-${tool.version.split('.').slice(0, 2).join('.')}`;
      for (const dir of [system, own]) {
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          if (!name.endsWith('.m4') || out.has(name)) continue;
          const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
          if (text !== undefined) out.set(name, text);
        }
      }
      return out;
    })();
    macroFolders.set(aclocal, known);
  }
  return known;
}
