/**
 * The commands and options of the CLI as data, read from the very builders
 * that yargs is given (a recorder stands in for yargs and notes each
 * `.command`, `.positional`, `.option`, `.group` and `.epilog`), so the man
 * page and the shell completions list what `--help` lists.
 */
import type { Argv } from 'yargs';

export interface OptionInfo {
  name: string;
  aliases: string[];
  type?: string;
  describe?: string;
  default?: unknown;
  defaultDescription?: string;
  choices?: string[];
  array: boolean;
  hidden: boolean;
  required: boolean;
  group?: string;
}

export interface CommandInfo {
  /** The name alone: `verify`, `merge`. Empty for the top level. */
  name: string;
  /** As declared: `verify <release>`, `merge <summary..>`. */
  command: string;
  describe: string;
  positionals: OptionInfo[];
  options: OptionInfo[];
  epilog?: string;
  commands: CommandInfo[];
}

type Builder = (y: Argv) => unknown;

function optionInfo(name: string, def: Record<string, unknown>): OptionInfo {
  const alias = def.alias;
  return {
    name,
    aliases: alias === undefined ? [] : ([] as string[]).concat(alias as string | string[]),
    ...(typeof def.type === 'string' ? { type: def.type } : {}),
    ...(typeof def.describe === 'string' ? { describe: def.describe } : typeof def.description === 'string' ? { describe: def.description } : {}),
    ...(def.default !== undefined ? { default: def.default } : {}),
    ...(typeof def.defaultDescription === 'string' ? { defaultDescription: def.defaultDescription } : {}),
    ...(Array.isArray(def.choices) ? { choices: def.choices.map(String) } : {}),
    array: def.array === true,
    hidden: def.hidden === true,
    required: def.demandOption === true || def.demandOption === 'string',
  };
}

/** A stand-in for yargs that records what a builder declares into `node`. */
function recorder(node: CommandInfo): Argv {
  const proxy: Argv = new Proxy({} as Argv, {
    get(_target, prop) {
      switch (prop) {
        case 'option':
        case 'options':
          return (name: string | Record<string, Record<string, unknown>>, def: Record<string, unknown> = {}) => {
            const defs = typeof name === 'string' ? { [name]: def } : name;
            for (const [key, d] of Object.entries(defs)) node.options.push(optionInfo(key, d));
            return proxy;
          };
        case 'positional':
          return (name: string, def: Record<string, unknown>) => {
            node.positionals.push(optionInfo(name, def));
            return proxy;
          };
        case 'group':
          return (keys: string | string[], title: string) => {
            for (const key of ([] as string[]).concat(keys)) {
              const opt = node.options.find((o) => o.name === key);
              if (opt) opt.group = title.replace(/:$/, '');
            }
            return proxy;
          };
        case 'epilog':
        case 'epilogue':
          return (text: string) => {
            node.epilog = text;
            return proxy;
          };
        case 'command':
          return (command: string, describe: string, builder?: Builder) => {
            const name = command.split(' ')[0]!;
            // `$0 …` is the command itself when no subcommand is named (batch MANIFEST).
            const child: CommandInfo = name === '$0' ? node : { name, command, describe, positionals: [], options: [], commands: [] };
            if (name !== '$0') node.commands.push(child);
            builder?.(recorder(child));
            if (name === '$0') node.command = `${node.name} ${command.slice(3)}`.trim();
            return proxy;
          };
        case 'then':
          return undefined;
        default:
          return () => proxy;
      }
    },
  });
  return proxy;
}

/** The tree `register` declares, with the help and version flags yargs adds. */
export function describeCommands(register: (y: Argv) => unknown, describe: string): CommandInfo {
  const root: CommandInfo = { name: '', command: 'cuckoo', describe, positionals: [], options: [], commands: [] };
  register(recorder(root));
  root.options.push(optionInfo('help', { alias: 'h', type: 'boolean', describe: 'show help (each command has its own: cuckoo verify --help)' }));
  root.options.push(optionInfo('version', { type: 'boolean', describe: 'show the version number' }));
  return root;
}
