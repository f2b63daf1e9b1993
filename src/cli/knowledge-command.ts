import type { Argv } from 'yargs';
import { defaultCacheDir } from '../cache.js';
import { knowledgeAdd, type KnowledgeAddResult } from '../commands/knowledge.js';
import type { Io } from './io.js';

const addEpilog = `Examples:
  cuckoo knowledge add ~/src/gnulib ~/src/autoconf-archive
      every version of every m4 macro and aux file in both histories
  cuckoo knowledge add /opt/mytools/share/aclocal
      the m4 files of a folder (recorded as version "local")

A source is a folder, a git work tree, a bare repository or a git bundle. For a
repository every historical version of every *.m4 file and aux script
(config.guess, install-sh, ltmain.sh, po/ templates, …) is indexed, from all
refs. Only names, serials and hashes are kept, in the user library under the
cache folder; cuckoo verify reads it next to the shipped index. Adding the same
source again adds nothing.`;

export function knowledgeAddBuilder(y: Argv) {
  return y
    .positional('source', { type: 'string', array: true, describe: 'folders, git repositories or bundles to index', demandOption: true, default: undefined })
    .option('cache-dir', { type: 'string', describe: 'cuckoo\'s cache folder, where the library lives (default: $XDG_CACHE_HOME/cuckoo)' })
    .epilog(addEpilog);
}

type KnowledgeAddArgs = Awaited<ReturnType<ReturnType<typeof knowledgeAddBuilder>['parseAsync']>>;

export function renderKnowledgeAdd(result: KnowledgeAddResult): string {
  const lines = result.sources.map(
    (s) => `${s.source}: ${s.files} ${s.kind === 'repository' ? 'file versions from its history' : 'files'} (package ${s.package})`,
  );
  lines.push(`indexed ${result.files} files, ${result.added} new; the library holds ${result.total} entries at ${result.libraryPath}`);
  return `${lines.join('\n')}\n`;
}

/** Run `knowledge add` and print its summary; returns the exit code. */
export async function runKnowledgeAdd(args: KnowledgeAddArgs, io: Io): Promise<number> {
  const result = await knowledgeAdd({
    sources: (args.source ?? []).map(String),
    cacheDir: args['cache-dir'] ?? defaultCacheDir(io.env),
  });
  io.stdout.write(renderKnowledgeAdd(result));
  return 0;
}

/** `cuckoo knowledge <subcommand>`: for now `add`. */
export function knowledgeBuilder(y: Argv, io: Io, done: (code: number) => void) {
  return y
    .command(
      'add <source..>',
      'index folders or repositories (every version in their history)',
      (sub) => knowledgeAddBuilder(sub),
      async (args) => {
        done(await runKnowledgeAdd(args, io));
      },
    )
    .demandCommand(1, 'name a subcommand: cuckoo knowledge add DIR|REPO');
}
