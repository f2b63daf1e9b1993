/** `cuckoo completion bash|zsh|fish`: print the completion script. */
import type { Argv } from 'yargs';
import type { CommandInfo } from './command-tree.js';
import { completionScript, shells, type Shell } from './completion.js';
import type { Io } from './io.js';

export function completionBuilder(y: Argv) {
  return y
    .positional('shell', { type: 'string', choices: [...shells], describe: 'the shell to complete in', demandOption: true })
    .epilog(`Examples:
  source <(cuckoo completion bash)          # this bash; add it to ~/.bashrc to keep it
  cuckoo completion zsh > "\${fpath[1]}/_cuckoo"
  cuckoo completion fish > ~/.config/fish/completions/cuckoo.fish`);
}

type CompletionArgs = Awaited<ReturnType<ReturnType<typeof completionBuilder>['parseAsync']>>;

export function runCompletion(args: CompletionArgs, io: Io, tree: () => CommandInfo): number {
  io.stdout.write(completionScript(args.shell as Shell, tree()));
  return 0;
}
