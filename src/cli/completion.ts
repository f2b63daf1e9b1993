/**
 * Shell completion scripts, made from the command tree (command-tree.ts):
 * subcommands, flags, the values of flags with choices, and file names for
 * the other flags that take a value. The scripts are static: completing runs
 * no node process.
 */
import type { CommandInfo, OptionInfo } from './command-tree.js';

export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

interface Node {
  /** Space-separated command path: '', 'batch', 'batch merge'. */
  path: string;
  info: CommandInfo;
}

function nodes(root: CommandInfo): Node[] {
  const out: Node[] = [];
  const walk = (info: CommandInfo, path: string) => {
    out.push({ path, info });
    for (const c of info.commands) walk(c, path ? `${path} ${c.name}` : c.name);
  };
  walk(root, '');
  return out;
}

const visibleOptions = (info: CommandInfo) => info.options.filter((o) => !o.hidden);
const takesValue = (o: OptionInfo) => o.type !== 'boolean';

/** The flags as typed: --name, its aliases, and --no-name for booleans that default to true. */
function flagWords(o: OptionInfo): string[] {
  const words = [`--${o.name}`, ...o.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))];
  if (o.type === 'boolean' && o.default === true) words.push(`--no-${o.name}`);
  return words;
}

function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bash(root: CommandInfo): string {
  const all = nodes(root);
  const steps = all.flatMap((n) => n.info.commands.map((c) => `"${n.path}:${c.name}"`));
  const cases = all.map((n) => {
    const opts = visibleOptions(n.info);
    // A positional with choices (completion <shell>) completes like a subcommand.
    const subs = [...n.info.commands.map((c) => c.name), ...(n.info.positionals[0]?.choices ?? [])].join(' ');
    const flags = opts.flatMap(flagWords).join(' ');
    const valued = opts.filter(takesValue).flatMap((o) => flagWords(o)).join(' ');
    return `    ${shQuote(n.path)}) subs=${shQuote(subs)}; flags=${shQuote(flags)}; valued=${shQuote(valued)} ;;`;
  });
  const choices = new Map<string, string>();
  for (const n of all) for (const o of visibleOptions(n.info)) if (o.choices) for (const f of flagWords(o)) choices.set(f, o.choices.join(' '));
  const choiceCases = [...choices].map(([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W ${shQuote(values)} -- "$cur")); return ;;`);
  return `# bash completion for cuckoo: source <(cuckoo completion bash)
_cuckoo() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local path="" word i subs flags valued
  # The subcommands typed so far (flags and their values are skipped).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$path:$word" in
      ${steps.join('|')}) path="\${path:+$path }$word" ;;
    esac
  done
  case "$path" in
${cases.join('\n')}
  esac
  case "$prev" in
${choiceCases.join('\n')}
  esac
  if [[ " $valued " == *" $prev "* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [ -n "$subs" ]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _cuckoo cuckoo
`;
}

function zsh(root: CommandInfo): string {
  // zsh runs the bash function through bashcompinit (zshcompsys(1)).
  return `#compdef cuckoo
# zsh completion for cuckoo: cuckoo completion zsh > "\${fpath[1]}/_cuckoo", or source <(cuckoo completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(root).split('\n').slice(1).join('\n')}`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fish(root: CommandInfo): string {
  const lines = ['# fish completion for cuckoo: cuckoo completion fish > ~/.config/fish/completions/cuckoo.fish', 'complete -c cuckoo -f'];
  for (const n of nodes(root)) {
    const words = n.path ? n.path.split(' ') : [];
    // Where this command's words apply: its path typed, none of its subcommands yet.
    const parts = [words.length === 0 ? '__fish_use_subcommand' : words.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ')];
    if (words.length > 0 && n.info.commands.length > 0) parts.push(`not __fish_seen_subcommand_from ${n.info.commands.map((c) => c.name).join(' ')}`);
    const cond = fishQuote(parts.join('; and '));
    for (const c of n.info.commands) lines.push(`complete -c cuckoo -n ${cond} -a ${c.name} -d ${fishQuote(c.describe)}`);
    for (const o of visibleOptions(n.info)) {
      const short = o.aliases.filter((a) => a.length === 1).map((a) => ` -s ${a}`).join('');
      const value = o.choices ? ` -x -a ${fishQuote(o.choices.join(' '))}` : takesValue(o) ? ' -r -F' : '';
      lines.push(`complete -c cuckoo -n ${cond} -l ${o.name}${short}${value} -d ${fishQuote((o.describe ?? '').split(/[:;(]/)[0]!.trim())}`);
      if (o.type === 'boolean' && o.default === true) lines.push(`complete -c cuckoo -n ${cond} -l no-${o.name} -d ${fishQuote(`not --${o.name}`)}`);
    }
    const first = n.info.positionals[0];
    if (first?.choices) lines.push(`complete -c cuckoo -n ${cond} -a ${fishQuote(first.choices.join(' '))}`);
    else if (first && n.info.commands.length === 0) lines.push(`complete -c cuckoo -n ${cond} -F`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, root: CommandInfo): string {
  return shell === 'bash' ? bash(root) : shell === 'zsh' ? zsh(root) : fish(root);
}
