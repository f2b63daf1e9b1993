import type { Signal } from './signal.js';
import { hasCharacterMap } from './tr-map.js';

/**
 * The detectors, in report order. Each is tuned against genuine autotools
 * output (configure, Makefile.in, aclocal.m4, ltmain.sh, libtool,
 * config.guess, gettext's m4 files): those produce no hit above weak. What
 * xz 5.6's build-to-host.m4 did, step by step, is what they look for.
 */

const decompressors = String.raw`(?:unxz|xzcat|unlzma|lzcat|gunzip|zcat|bunzip2|bzcat|unzstd|zstdcat|(?:xz|lzma|gzip|bzip2|zstd|lzip|lz4|brotli)\s+(?:-\w*\s+)*-\w*d\w*|(?:xz|lzma|gzip|bzip2|zstd|lzip|lz4|brotli)\s+(?:-\S+\s+)*--decompress|base64\s+(?:-\w+\s+)*(?:-d\w*|-D|--decode)|openssl\s+(?:enc\s+(?:-\S+\s+)*-d\b|base64\s+-d))`;
/** A shell as the sink of a pipe: `| sh`, `| /bin/bash`, `| $SHELL`, `| eval`, `| source /dev/stdin`. */
// `||` is not a pipe, and `| sh | shl)` is a list of case patterns (config.sub), so the
// shell must end the pipeline: end of line, `;`, `&`, a redirect, a backquote or -s/-c.
const pipe = String.raw`(?<!\|)\|(?!\|)\s*`;
const shellEnd = String.raw`(?=\s*(?:$|[;&>\x60]|2>|-s\b|-c\b|-\s*$))`;
const shellSink = String.raw`${pipe}(?:(?:/usr)?/bin/)?(?:ba|da|k|z)?sh\b${shellEnd}|${pipe}\$\{?(?:SHELL|CONFIG_SHELL)\}?${shellEnd}|${pipe}(?:eval|source)\b(?!\s+\w+=|\s+"?\$\{?PAGER)|${pipe}\.\s+/dev/stdin`;
const fixturePath = String.raw`(?:^|[\s"'=/}(])tests?/[\w./*-]*|\.(?:bin|xz|lzma|lz|zst|bz2)\b`;

const shellOnly = new RegExp(`${pipe}(?:(?:/usr)?/bin/)?(?:ba|da|k|z)?sh\\b${shellEnd}|${pipe}\\$\\{?(?:SHELL|CONFIG_SHELL)\\}?${shellEnd}`);
const decodeThenShell = new RegExp(`(?:${decompressors})[^\\n]*(?:${shellSink})`);
const pipedDecompress = new RegExp(`${pipe}(?:${decompressors})`);
const fixtureRead = new RegExp(`\\b(?:sed|cat|head|tail|dd|cut|od|xxd|awk|strings)\\b[^|;]*(?:${fixturePath})`);

/** `grep` whose options include -a (binary as text) with -r/-R (recursive) or -l (file names): a search for a hidden payload. */
function grepsBinaryTree(line: string): boolean {
  for (const m of line.matchAll(/(?:^|[\s|;&(`'"])(?:e|f)?grep((?:\s+-[A-Za-z]+)+)/g)) {
    const letters = m[1]!.replace(/[\s-]/g, '');
    if (letters.includes('a') && /[rRl]/.test(letters)) return true;
  }
  return false;
}

export const signals: readonly Signal[] = [
  {
    name: 'grep-binary-tree',
    title: 'greps the source tree for a binary pattern (grep -a with -r/-l)',
    stage: 'locate',
    strength: 'strong',
    needs: /grep[^\S\n]+-/,
    test: grepsBinaryTree,
  },
  {
    name: 'fixture-read',
    title: 'reads a test fixture or binary file',
    stage: 'locate',
    strength: 'medium',
    // Redirect targets are written, not read (`cat >./tests/configurehelp.pm`, curl's configure).
    needs: /tests?\/|\.(?:bin|xz|lzma|lz|zst|bz2)/,
    test: (l) => fixtureRead.test(l.replace(/>+\s*\S+/g, ' ')) && !/\$\(distdir\)|\$\{?distdir\}?|\.tar\./.test(l),
  },
  {
    name: 'tr-charmap',
    title: 'tr character-map decoding (one set is a reordering of the other)',
    stage: 'decode',
    strength: 'strong',
    needs: /\btr[^\S\n]+["']/,
    test: hasCharacterMap,
  },
  {
    name: 'byte-slicing',
    title: 'byte slicing (head -c, tail -c, dd skip=/count=, cut -b)',
    stage: 'decode',
    strength: 'medium',
    // gettext's lib-prefix.m4 reads one byte of /bin/sh's ELF header into hexdump: reading, not decoding.
    needs: /\b(?:head|tail|cut)[^\S\n]|\bdd\b/,
    test: (l) =>
      /\b(?:head|tail)\s+(?:-\w+\s+)*-c\s*[+\d$]|\bdd\b[^|;]*\b(?:skip|count|bs|ibs)=|\bcut\s+(?:-\w+\s+)*-b\s*\d/.test(l) && !/\|\s*(?:hexdump|od)\b/.test(l),
  },
  {
    name: 'piped-decompress',
    title: 'decompresses or base64-decodes data coming from a pipe',
    stage: 'decode',
    strength: 'medium',
    needs: /\|[^\S\n]*(?:unxz|xz|unlzma|lz|gunzip|zcat|bunzip2|bz|unzstd|zstd|gzip|brotli|base64|openssl)/,
    test: (l) => pipedDecompress.test(l),
  },
  {
    name: 'variable-decompressor',
    title: 'runs a command chosen by a variable with -d in a pipeline',
    stage: 'decode',
    strength: 'medium',
    // xz's build-to-host.m4 ran `$gl_[$1]_prefix -d`, the decompressor named by the payload's extension.
    needs: /\|[^\S\n]*\$/,
    test: (l) => /(?<!\|)\|(?!\|)\s*\$\{?[\w[\]$]+\}?\s+-d\b/.test(l),
  },
  {
    name: 'decode-to-shell',
    title: 'pipes decoded or decompressed data into a shell or eval',
    stage: 'execute',
    strength: 'strong',
    needs: /(?:xz|lz|zip|zcat|bz|zst|brotli|base64|openssl)[^\n]*\|/,
    test: (l) => decodeThenShell.test(l),
  },
  {
    name: 'eval-in-pipeline',
    title: 'eval inside a pipeline (runs text assembled at run time)',
    stage: 'execute',
    strength: 'medium',
    // `… | eval $map | …` and `eval $cmd | $SHELL`; configure's own evals assign variables and are never piped.
    // Makefile.in's `| eval GZIP= gzip …` only sets a variable for one command.
    needs: /\beval/,
    test: (l) => /(?<!\|)\|(?!\|)\s*eval\b(?!\s+\w+=|\s+"?\$\{?PAGER)|\beval\s+["']?\$\{?\w+\}?["']?\s*\|(?!\|)/.test(l),
  },
  {
    name: 'pipe-to-shell',
    title: 'pipes text into a shell',
    stage: 'execute',
    strength: 'medium',
    needs: /\|[^\S\n]*(?:\/|(?:ba|da|k|z)?sh|\$)/,
    test: (l) => shellOnly.test(l),
  },
  {
    name: 'eval-command-output',
    title: 'evaluates the output of a command (eval "$(…)" or eval `…`)',
    stage: 'execute',
    strength: 'weak',
    needs: /\beval/,
    test: (l) => /\beval\s+["']?(?:\$\(|`)/.test(l),
  },
  {
    name: 'writes-source',
    title: 'writes into a source file (sed -i or a redirect into src/, lib/ or a .c/.h file)',
    stage: 'other',
    strength: 'medium',
    needs: /\bsed[^\S\n][^\n]*-i|>>?[^\S\n]*["']?(?:\$\{?(?:srcdir|top_srcdir|abs_srcdir|abs_top_srcdir)\}?\/)?(?:src|lib)\//,
    test: (l) =>
      /\bsed\s+(?:-\w+\s+)*-i\S*\s.*\.(?:c|h|cc|cpp|cxx|hpp|S)\b/.test(l) ||
      /(?<![0-9&<])>>?\s*["']?(?:\$\{?(?:srcdir|top_srcdir|abs_srcdir|abs_top_srcdir)\}?\/)?(?:src|lib)\/[\w./-]*\.(?:c|h|cc|cpp|S)\b/.test(l),
  },
  {
    name: 'loader-hook',
    title: 'dynamic-loader hook (LD_PRELOAD, LD_AUDIT, rtld-audit, ifunc resolver)',
    stage: 'other',
    strength: 'medium',
    inSources: true,
    needs: /LD_(?:PRELOAD|AUDIT)|_dl_audit|\bla_(?:symbind|objopen|version|preinit)|ifunc/,
    test: (l) => /\bLD_(?:PRELOAD|AUDIT)\b|\b_dl_audit\w*|\bla_(?:symbind(?:32|64)?|objopen|version|preinit)\b|__attribute__\s*\(\(\s*(?:__)?ifunc(?:__)?\b/.test(l),
  },
  {
    name: 'network-fetch',
    title: 'fetches from the network during the build',
    stage: 'other',
    strength: 'medium',
    needs: /(?:curl|wget)[^\S\n]|\bgit[^\S\n]+(?:clone|fetch|pull)|\/dev\/(?:tcp|udp)\/|\b(?:nc|ncat|netcat)[^\S\n]/,
    test: (l) =>
      // As a command (start of a statement), not the word: configure says "curl" in every help text.
      /(?:^|[;&|(`]\s*|\$\(\s*)(?:curl|wget)\s+(?:-\S*\s+)*["']?(?:(?:https?|ftp):\/\/|\$\{?\w+)/.test(l) ||
      /\bgit\s+(?:clone|fetch|pull)\b/.test(l) ||
      /\/dev\/(?:tcp|udp)\/|(?:^|[\s;&|(`])(?:nc|ncat|netcat)\s+(?:-\w+\s+)*[\w.$-]+\s+\d+/.test(l),
  },
];
