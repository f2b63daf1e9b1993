import type { AnalysisContext } from '../rule.js';

/**
 * Whether the tag's bootstrap downloads its translations, and for which
 * gettext domain. gnulib's bootstrap (and its split-out bootstrap-funclib.sh)
 * runs `wget … https://translationproject.org/latest/$domain/` into po/
 * (domain: the package) and runtime-po/ (`$package-runtime`), then lists what
 * it got in po/LINGUAS; the package is AC_INIT's tarname, or its name without
 * `GNU `, lowercased, with other characters turned into `-`.
 */
export interface TranslationSetup {
  /** The gettext domain of po/. */
  domain: string;
  /** Where the domain came from (`AC_INIT in configure.ac`). */
  domainSource: string;
  /** The tag file that downloads the catalogs, and the address in it. */
  script: string;
  url: string;
}

const scripts = ['bootstrap', 'bootstrap-funclib.sh', 'autopull.sh', 'build-aux/bootstrap', 'autogen.sh'];
const setups = new WeakMap<object, Promise<TranslationSetup | undefined>>();

async function tagText(ctx: AnalysisContext, path: string): Promise<string | undefined> {
  const entry = ctx.tagByPath.get(path);
  if (entry?.type !== 'file' || entry.size > 4 * 1024 ** 2) return undefined;
  return (await ctx.tagContent(entry)).toString('utf8');
}

/** The arguments of the first call of `macro(` at the start of a line, split at top-level commas, quotes removed. */
export function macroArgs(text: string, macro: string): string[] | undefined {
  const at = new RegExp(`^[ \\t]*${macro}\\(`, 'm').exec(text);
  if (!at) return undefined;
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = at.index + at[0].length; i < text.length; i++) {
    const c = text[i]!;
    if ((c === ',' || c === ')') && depth === 0) {
      args.push(current.replace(/[[\]]/g, '').trim());
      current = '';
      if (c === ')') return args;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    current += c;
  }
  return undefined;
}

/** bootstrap's package name from AC_INIT: the tarname, else the munged name. */
export function packageName(configure: string): string | undefined {
  const args = macroArgs(configure, 'AC_INIT');
  if (!args?.[0]) return undefined;
  if (args[3] && /^[\w.+-]+$/.test(args[3])) return args[3];
  return args[0].replace(/^GNU /, '').toLowerCase().replace(/[^a-z0-9_]/g, '-');
}

async function readSetup(ctx: AnalysisContext): Promise<TranslationSetup | undefined> {
  let found: { script: string; url: string } | undefined;
  for (const script of scripts) {
    const text = await tagText(ctx, script);
    const url = text && /https?:\/\/translationproject\.org\/[^\s"'\\]*/.exec(text)?.[0];
    if (url) {
      // gnulib's bootstrap writes `latest/%s/`, filled in with the domain.
      found = { script, url };
      break;
    }
  }
  if (!found) return undefined;
  // bootstrap.conf may name the package itself, and po/Makevars a domain of its own.
  const conf = await tagText(ctx, 'bootstrap.conf');
  const fromConf = conf && /^package=["']?([\w.+-]+)["']?\s*$/m.exec(conf)?.[1];
  const makevars = await tagText(ctx, 'po/Makevars');
  const fromMakevars = makevars && /^DOMAIN\s*=\s*([\w.+-]+)\s*$/m.exec(makevars)?.[1];
  if (fromMakevars) return { ...found, domain: fromMakevars, domainSource: 'DOMAIN in po/Makevars' };
  if (fromConf) return { ...found, domain: fromConf, domainSource: 'package in bootstrap.conf' };
  for (const name of ['configure.ac', 'configure.in']) {
    const text = await tagText(ctx, name);
    const pkg = text && packageName(text);
    if (pkg) return { ...found, domain: pkg, domainSource: `AC_INIT in ${name}` };
  }
  return undefined;
}

/** The tag's translation setup, read once per run. */
export function translationSetup(ctx: AnalysisContext): Promise<TranslationSetup | undefined> {
  let setup = setups.get(ctx.tagByPath);
  if (!setup) setups.set(ctx.tagByPath, (setup = readSetup(ctx)));
  return setup;
}

/** The domain of a catalog folder: po/ has the package's, runtime-po/ `<package>-runtime`. */
export function folderDomain(dir: string, setup: TranslationSetup): string | undefined {
  if (dir === 'po') return setup.domain;
  if (dir === 'runtime-po') return `${setup.domain}-runtime`;
  return undefined;
}
