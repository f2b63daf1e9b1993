/**
 * The part of rpm's macro language that spec preambles use for their URLs
 * (rpm's doc/manual/macros): `%{name}`, `%name`, `%{?name}`, `%{?name:text}`,
 * `%{!?name:text}`, `%{expand:…}`, `%%`. Shell (`%(…)`) and Lua
 * (`%{lua:…}`) are never run: a value that needs them, or a macro nobody
 * defined, is reported as not concrete (`rpmspec -P` gives the exact text).
 */

export type Macros = Map<string, string>;

export class Unexpandable extends Error {
  constructor(readonly macro: string) {
    super(`%${macro}`);
  }
}

const maxDepth = 32;

/** The text with every macro expanded; throws Unexpandable for one cuckoo cannot expand. */
export function expandMacros(text: string, macros: Macros, depth = 0): string {
  if (depth > maxDepth) throw new Unexpandable('… (macros that expand into themselves)');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '%') {
      out += '%';
      i++;
    } else if (next === '{') {
      const end = closing(text, i + 1);
      if (end < 0) throw new Unexpandable(text.slice(i + 1));
      out += braced(text.slice(i + 2, end), macros, depth);
      i = end;
    } else if (next === '(' || next === '[') {
      throw new Unexpandable(`${next}…`);
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      const value = macros.get(m[0]);
      if (value === undefined) throw new Unexpandable(m[0]);
      out += expandMacros(value, macros, depth + 1);
      i += m[0].length;
    }
  }
  return out;
}

/** The index of the `}` closing the `{` at `open`. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(body: string, macros: Macros, depth: number): string {
  const m = /^(!?\?)?([A-Za-z_][A-Za-z0-9_]*)(?::([\s\S]*))?$/.exec(body);
  if (!m) throw new Unexpandable(`{${body}}`);
  const [, cond, name, arg] = m;
  if (cond === undefined && arg !== undefined) {
    if (name === 'expand' || name === 'quote') return expandMacros(expandMacros(arg, macros, depth + 1), macros, depth + 1);
    throw new Unexpandable(`{${name}:…}`);
  }
  const defined = macros.has(name!);
  if (cond === '?') return defined ? expandMacros(arg ?? macros.get(name!)!, macros, depth + 1) : '';
  if (cond === '!?') return defined ? '' : expandMacros(arg ?? '', macros, depth + 1);
  if (!defined) throw new Unexpandable(`{${name}}`);
  return expandMacros(macros.get(name!)!, macros, depth + 1);
}
