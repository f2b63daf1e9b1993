/**
 * cuckoo's commands as yargs is given them: runCli registers them, and the
 * man page and the shell completions are read from the same declarations
 * (command-tree.ts).
 */
import type { Argv } from 'yargs';
import type { Io } from './io.js';
import { batchBuilder } from './batch-command.js';
import { describeCommands, type CommandInfo } from './command-tree.js';
import { completionBuilder, runCompletion } from './completion-command.js';
import { knowledgeBuilder } from './knowledge-command.js';
import { toolsBuilder } from './tools-command.js';
import { runVerify, verifyBuilder } from './verify-command.js';
import { rebuildCommandBuilder, runRebuild } from './rebuild-command.js';

export const cliDescription = 'Check a release archive against the git tag it claims to come from, and explain every difference.';

export function registerCommands<T>(y: Argv<T>, io: Io, done: (code: number) => void): Argv<T> {
  return y
    .command('verify <release>', 'compare a release archive with its tag', (sub) => verifyBuilder(sub), async (args) => {
      done(await runVerify(args, io));
    })
    .command('rebuild <release>', "rebuild a release from its tag with the project's own steps, in a sandbox, and compare", (sub) => rebuildCommandBuilder(sub), async (args) => {
      done(await runRebuild(args, io));
    })
    .command('batch', 'check many releases from a manifest; merge shard summaries', (sub) => batchBuilder(sub, io, done))
    .command('knowledge', 'manage your own library of known-good build-tool files', (sub) => knowledgeBuilder(sub, io, done))
    .command('tools', 'list the autoconf and automake versions cuckoo can run; install an exact one', (sub) => toolsBuilder(sub, io, done))
    .command('completion <shell>', 'print a shell completion script: bash, zsh or fish', (sub) => completionBuilder(sub), (args) => {
      done(runCompletion(args, io, cliTree));
    });
}

/** The commands and options as data (for the man page and completions). */
export function cliTree(): CommandInfo {
  const io: Io = { stdout: process.stdout, stderr: process.stderr, env: {} };
  return describeCommands((y) => registerCommands(y, io, () => undefined), cliDescription);
}
