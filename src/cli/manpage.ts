/**
 * The man page, cuckoo(1), in roff (man(7) macros), made from the command
 * tree (command-tree.ts), so it lists exactly what --help lists: each
 * command's synopsis, options by group with their defaults, and its
 * examples. scripts/make-man.mjs writes man/cuckoo.1; a test checks the
 * committed page is up to date.
 */
import type { CommandInfo, OptionInfo } from './command-tree.js';

/** Text as roff prints it: backslashes escaped, no line taken for a request. */
function esc(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

function flag(o: OptionInfo): string {
  const names = [`--${o.name}`, ...o.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))];
  const value = o.type === 'boolean' ? '' : ` \\fI${esc(o.choices ? o.choices.join('|') : o.name.toUpperCase())}\\fR`;
  const no = o.type === 'boolean' && o.default === true ? `, \\fB${esc(`--no-${o.name}`)}\\fR` : '';
  return `${names.map((n) => `\\fB${esc(n)}\\fR`).join(', ')}${value}${no}`;
}

function optionText(o: OptionInfo): string {
  const extra: string[] = [];
  if (o.required) extra.push('required');
  if (o.array) extra.push('repeatable');
  if (o.defaultDescription !== undefined) extra.push(`default: ${o.defaultDescription}`);
  else if (o.default !== undefined && !(Array.isArray(o.default) && o.default.length === 0) && o.type !== 'boolean') extra.push(`default: ${String(o.default)}`);
  else if (o.type === 'boolean' && o.default === true) extra.push('on by default');
  return `${o.describe ?? ''}${extra.length ? ` [${extra.join('; ')}]` : ''}`;
}

function options(list: OptionInfo[]): string[] {
  const out: string[] = [];
  const groups = new Map<string, OptionInfo[]>();
  for (const o of list.filter((x) => !x.hidden)) groups.set(o.group ?? '', [...(groups.get(o.group ?? '') ?? []), o]);
  // Ungrouped options first, as --help lists them under "Options:".
  const order = [...groups.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0));
  for (const g of order) {
    if (g && order.length > 1) out.push(`.PP\n\\fI${esc(g)}\\fR`);
    for (const o of groups.get(g)!) out.push(`.TP\n${flag(o)}\n${esc(optionText(o))}`);
  }
  return out;
}

function synopsis(path: string, info: CommandInfo): string {
  const pos = info.command.split(' ').slice(1).map((p) => p.replace(/^<(.+?)(\.\.)?>$/, '\\fI$1\\fR$2').replace(/^\[(.+?)(\.\.)?\]$/, '[\\fI$1\\fR$2]').replace(/\.\./g, '\\&...'));
  return `.B cuckoo ${path}\n${[...pos, '[\\fIoptions\\fR]'].join(' ')}`;
}

function section(path: string, info: CommandInfo): string[] {
  const out: string[] = [`.SS "cuckoo ${esc(path)}"`, synopsis(path, info), '.PP', esc(info.describe[0]!.toUpperCase() + info.describe.slice(1)) + '.'];
  for (const p of info.positionals) out.push(`.TP\n\\fI${esc(p.name)}\\fR\n${esc(optionText({ ...p, required: false }))}`);
  out.push(...options(info.options));
  if (info.epilog) out.push('.PP', '.nf', '.RS 4', esc(info.epilog), '.RE', '.fi');
  for (const c of info.commands) out.push(...section(`${path} ${c.name}`, c));
  return out;
}

/** The commands one can run, with their paths: `batch` (its own `$0`) and `batch merge`. */
function leaves(root: CommandInfo): Array<[string, CommandInfo]> {
  const out: Array<[string, CommandInfo]> = [];
  const walk = (info: CommandInfo, path: string) => {
    if (info.commands.length === 0 || info.command !== info.name) out.push([path, info]);
    for (const c of info.commands) walk(c, `${path} ${c.name}`);
  };
  for (const c of root.commands) walk(c, c.name);
  return out;
}

export function renderManPage(root: CommandInfo, version: string, exitCodes: string): string {
  const lines = [
    `.\\" Made by scripts/make-man.mjs from cuckoo's command definitions: do not edit.`,
    `.TH CUCKOO 1 "" "cuckoo ${esc(version)}" "User Commands"`,
    '.SH NAME',
    `cuckoo \\- ${esc(root.describe.replace(/^Check/, 'check').replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    ...leaves(root).flatMap(([path, c]) => [synopsis(path, c), '.br']),
    '.SH DESCRIPTION',
    esc(root.describe),
    '.PP',
    'Each command below lists its options as \\fBcuckoo \\fIcommand\\fB \\-\\-help\\fR does.',
    '.SH OPTIONS',
    ...options(root.options),
    '.SH COMMANDS',
    ...root.commands.flatMap((c) => section(c.name, c)),
    '.SH "EXIT STATUS"',
    '.nf',
    esc(exitCodes.replace(/^Exit codes:\n/, '')),
    '.fi',
    '.SH ENVIRONMENT',
    '.TP',
    '.B XDG_CACHE_HOME',
    'cuckoo\\(aqs cache folder is \\fI$XDG_CACHE_HOME/cuckoo\\fR (else \\fI~/.cache/cuckoo\\fR), unless \\fB\\-\\-cache\\-dir\\fR names one.',
    '.TP',
    '.B NO_COLOR, FORCE_COLOR',
    'No colour, or colour even when the output is not a terminal.',
    '.TP',
    '.B CUCKOO_DEBUG',
    'Print stack traces with errors.',
    '.SH "SEE ALSO"',
    '\\fBgit\\fR(1), \\fBgpg\\fR(1), \\fBuscan\\fR(1), \\fBbwrap\\fR(1)',
  ];
  return `${lines.join('\n')}\n`;
}
