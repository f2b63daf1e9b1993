// A tag whose bootstrap downloads its catalogs, and catalogs as the
// Translation Project serves them: the translation catalog tests' fixture.
import type { AnalysisContext } from '../../src/analyze/rule.js';
import { context, relFile } from './generated-context.js';

// What gnulib's bootstrap has, and the tag files it reads the domain from.
export const tag = {
  bootstrap: `#! /bin/sh\npo_download_command_format=\\\n"wget --mirror --level=1 -nd -nv -A.po -P '%s' \\\n https://translationproject.org/latest/%s/"\n`,
  'configure.ac': 'AC_INIT([GNU Hello],\n        m4_esyscmd([build-aux/git-version-gen .tarball-version]),\n        [bug-hello@gnu.org])\n',
  'po/POTFILES.in': 'src/hello.c\n',
};

export const po = (header: string, body = '') => `# French translation of hello
# Copyright (C) 2024 Free Software Foundation, Inc.
# Jeanne Traductrice <jeanne@example.org>, 2024.
msgid ""
msgstr ""
"Project-Id-Version: ${header}\\n"
"Report-Msgid-Bugs-To: bug-hello@gnu.org\\n"
"Last-Translator: Jeanne Traductrice <jeanne@example.org>\\n"
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#: src/hello.c:10
#, c-format
msgid "Hello, %s!"
msgstr "Bonjour, %s !"

#: src/hello.c:12
msgid "Goodbye"
msgstr "Au revoir"
${body}`;

export const fr = po('hello 2.1-pre1');
export function ctxWith(release: Record<string, string | Buffer>, tagFiles: Record<string, string> = tag, extra: Partial<AnalysisContext> = {}): AnalysisContext {
  return { ...context(tagFiles), releaseOnly: new Map(Object.entries(release).map(([p, c]) => [p, relFile(p, c)])), ...extra };
}

