import { test } from 'uvu';
import * as assert from 'uvu/assert';
import tar from 'tar-stream';
import { Readable } from 'node:stream';
import { attributesNamed, convertForArchive, crlfAction, readArchiveAttributes } from '../../src/git/attributes.js';
import { BlobReader } from '../../src/git/blobs.js';
import { expandIdent, lfToCrlf } from '../../src/git/convert.js';
import { openRepo } from '../../src/git/repo.js';
import { readTree } from '../../src/git/tree.js';
import type { ArchiveAttributes } from '../../src/git/types.js';
import { makeRepo, removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);
/** The cache folder the scratch repositories for attributes go under. */
const scratchCache = await tempDir('cuckoo-attr-cache-');

interface TarEntry {
  type: string;
  content: Buffer;
}

/** Entries of a tar by path (directories end with '/'), pax headers skipped. */
async function readTar(bytes: Buffer): Promise<Map<string, TarEntry>> {
  const out = new Map<string, TarEntry>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        const name = header.type === 'directory' && !header.name.endsWith('/') ? `${header.name}/` : header.name;
        out.set(name, { type: header.type ?? 'file', content: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([bytes]).pipe(extract);
  await done;
  return out;
}

const controlHeavy = Buffer.from([...Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? 1 : 0x61)), 0x0a]);

const files = {
  '.gitattributes': [
    'tests/ export-ignore',
    '/dev-only.txt export-ignore',
    'ext/ignored export-ignore',
    'link-ignored export-ignore',
    '*.bat text eol=crlf',
    'auto/* text=auto eol=crlf',
    'legacy.txt crlf eol=crlf',
    'binary.txt -text eol=crlf',
    'version.txt export-subst',
    'both.txt export-subst eol=crlf',
    'ident.c ident',
    'ident-crlf.c ident eol=crlf',
    '*.psd filter=lfs diff=lfs merge=lfs -text',
    '*.u16 working-tree-encoding=UTF-16LE-BOM',
    'plain-text.txt text',
    '',
  ].join('\n'),
  // %aN/%aE use the mailmap of the archived tree, %an does not (archive.c sets no pretty mailmap).
  '.mailmap': 'Real Name <real@example.org> Cuckoo Test <test@cuckoo.invalid>\n',
  'keep.txt': 'keep\n',
  'tests/a.txt': 'a\n',
  'tests/sub/b.txt': 'b\n',
  'dev-only.txt': 'dev\n',
  'notdev/dev-only.txt': 'kept: the pattern is anchored\n',
  'win.bat': 'line1\nline2\r\nline3\n',
  'auto/text.txt': 'a\nb\n',
  'auto/mixed.txt': 'a\r\nb\n',
  'auto/nul.dat': Buffer.from('a\0b\n'),
  'auto/lonecr.txt': 'a\rb\n',
  'auto/dos-eof.txt': 'a\nb\n\x1a',
  'auto/control.txt': controlHeavy,
  'auto/no-newline.txt': 'abc',
  'legacy.txt': 'x\ny\n',
  'binary.txt': 'x\ny\n',
  'plain-text.txt': 'stays\nlf\n',
  'version.txt': 'commit $Format:%H$\nshort $Format:%h$ date $Format:%ad$\nsubject $Format:%s$ pct $Format:%%$ refs $Format:%d$\nname $Format:%aN <%aE>$ raw $Format:%an$\nempty $Format:$ tail $Format:unterminated\n',
  'both.txt': 'a\n$Format:%s%n%s$\n',
  'ident.c': '/* $Id$ */\n$Id: old-value $\n$Id: with space $\n$Idx$ $Id\n$Id:no-close\n',
  'ident-crlf.c': '$Id$\nx\n',
  'image.psd': 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n',
  'text.u16': 'héllo\n',
  'sub/.gitattributes': '*.txt export-ignore\n',
  'sub/a.txt': 'ignored by the nested file\n',
  'sub/b.md': 'kept\n',
  'link-ignored': { symlink: 'keep.txt' },
  'link-kept': { symlink: 'keep.txt' },
};

async function fixture() {
  const other = await makeRepo({ files: { x: 'x\n' } });
  const repo = await makeRepo({
    files: { ...files, 'ext/lib': { gitlink: other.commits[0]! }, 'ext/ignored': { gitlink: other.commits[0]! } },
    message: 'Release 1.0',
    tags: [{ name: 'v1.0', annotated: true }],
  });
  // git archive reads $GIT_DIR/info/attributes; cuckoo must not (only the tag's tree counts).
  const { writeFile, mkdir } = await import('node:fs/promises');
  await mkdir(`${repo.gitDir}/info`, { recursive: true });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const commit = repo.commits[0]!;
  const tree = await readTree(handle, commit);
  const attrs = await readArchiveAttributes(handle, commit, tree, scratchCache);
  const archive = await readTar(await repo.archive('v1.0'));
  await writeFile(`${repo.gitDir}/info/attributes`, 'keep.txt export-ignore\n');
  return { repo, handle, commit, tree, attrs, archive };
}

const none: ArchiveAttributes = { exportIgnore: false, exportSubst: false, ident: false, lfs: false };

test('export-ignore matches exactly what git archive leaves out (files, directories, nested .gitattributes, symlinks, gitlinks)', async () => {
  const { tree, attrs, archive, handle, commit } = await fixture();
  const omitted = tree.filter((e) => !archive.has(e.type === 'submodule' ? `${e.path}/` : e.path)).map((e) => e.path).sort();
  const ignored = tree.filter((e) => attrs.get(e.path)?.exportIgnore).map((e) => e.path).sort();
  assert.equal(ignored, omitted);
  assert.equal(omitted, ['dev-only.txt', 'ext/ignored', 'link-ignored', 'sub/a.txt', 'tests/a.txt', 'tests/sub/b.txt']);
  // $GIT_DIR/info/attributes (written after the archive above) is not consulted.
  const again = await readArchiveAttributes(handle, commit, tree, scratchCache);
  assert.is(again.get('keep.txt'), undefined);
});

test('content conversions produce the bytes git archive writes', async () => {
  const { repo, handle, commit, tree, attrs, archive } = await fixture();
  const reader = new BlobReader(handle);
  try {
    let compared = 0;
    for (const e of tree) {
      if (e.type !== 'file' || attrs.get(e.path)?.exportIgnore) continue;
      const blob = await reader.read(e.oid);
      const got = await convertForArchive(blob, attrs.get(e.path) ?? none, { repo: handle, commit, oid: e.oid });
      const want = archive.get(e.path)!.content;
      assert.ok(got.equals(want), `${e.path}:\n got ${JSON.stringify(got.toString('latin1'))}\nwant ${JSON.stringify(want.toString('latin1'))}`);
      compared++;
    }
    assert.ok(compared >= 20);
  } finally {
    await reader.close();
  }
  // The conversions really happened, so the comparison above means something.
  const text = (p: string) => archive.get(p)!.content.toString('latin1');
  assert.is(text('win.bat'), 'line1\r\nline2\r\nline3\r\n');
  assert.is(text('auto/text.txt'), 'a\r\nb\r\n');
  assert.is(text('auto/mixed.txt'), 'a\r\nb\n');
  assert.is(text('both.txt'), 'a\r\nRelease 1.0\nRelease 1.0\r\n', 'eol before export-subst');
  assert.match(text('version.txt'), new RegExp(`^commit ${commit}\n`));
  assert.match(text('version.txt'), /name Real Name <real@example\.org> raw Cuckoo Test\n/);
  assert.match(text('version.txt'), /\$Format:unterminated\n$/);
  assert.match(text('ident.c'), new RegExp(`^/\\* \\$Id: ${await repo.hashObject(files['ident.c'])} \\$ \\*/\n\\$Id: [0-9a-f]{40} \\$\n\\$Id: with space \\$`));
  assert.ok(archive.get('text.u16')!.content.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])));
});

test('attributes map: only non-default paths, with what archive will do', async () => {
  const { attrs } = await fixture();
  assert.equal(attrs.get('win.bat'), { ...none, eol: 'crlf' });
  assert.equal(attrs.get('auto/text.txt'), { ...none, eol: 'crlf', eolAuto: true });
  assert.equal(attrs.get('legacy.txt'), { ...none, eol: 'crlf' });
  assert.equal(attrs.get('image.psd'), { ...none, lfs: true, filter: 'lfs' });
  assert.equal(attrs.get('text.u16'), { ...none, workingTreeEncoding: 'UTF-16LE-BOM' });
  assert.equal(attrs.get('version.txt'), { ...none, exportSubst: true });
  assert.equal(attrs.get('ident.c'), { ...none, ident: true });
  assert.is(attrs.get('binary.txt'), undefined, '-text wins over eol');
  assert.is(attrs.get('plain-text.txt'), undefined, 'text alone keeps LF with core.eol=lf');
  assert.is(attrs.get('keep.txt'), undefined);
  assert.is(attrs.get('link-kept'), undefined);
});

test('a tree without .gitattributes needs no git call', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' } });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const broken = { ...handle, gitDir: '/nonexistent' };
  const attrs = await readArchiveAttributes(broken, repo.commits[0]!, [{ path: 'a', type: 'file', mode: 0o100644, oid: '0'.repeat(40), size: 2 }], scratchCache);
  assert.is(attrs.size, 0);
});

test('attributesNamed: a file that names none of the attributes archive reads cannot apply any', () => {
  const may = (text: string) => attributesNamed([Buffer.from(text)]).length > 0;
  for (const text of [
    '*.texi* diff=texinfo\ngl/lib/*.diff -whitespace\n',
    '* whitespace=!indent,trail,space\n*.[ch] whitespace=indent diff=cpp\n',
    '*.png binary\n*.c linguist-language=C merge=union\n',
    'textual.txt textual\nfoo foo-text eol-style=x\n',
    '',
  ]) {
    assert.not.ok(may(text), JSON.stringify(text));
  }
  for (const text of [
    'x eol=crlf',
    'x -text',
    'x !eol\n',
    'x\texport-ignore\n',
    'x\r\ny\ttext\r\n',
    '"with space" ident\n',
    '"with space"ident\n',
    '"c"-eol\n',
    'x filter=lfs\n',
    'x crlf\n',
    'x working-tree-encoding=UTF-16\n',
    'x export-subst',
    '[attr]mine diff\n',
    '# a comment naming text costs a check, nothing more\n',
  ]) {
    assert.ok(may(text), JSON.stringify(text));
  }
  assert.ok(attributesNamed([Buffer.from('x diff\n'), Buffer.from('y eol=lf\n')]).length > 0, 'any of the files');
});

test('attributesNamed: the attributes git is asked about are the ones the files name', () => {
  const named = (...texts: string[]) => attributesNamed(texts.map((t) => Buffer.from(t)));
  assert.equal(named('*.c eol=lf\n*.dsw -crlf\n*.[ch] whitespace=tab-in-indent\n'), ['eol', 'crlf']);
  assert.equal(named('*.sln eol=crlf\n', '/t0110/url-* binary\n'), ['text', 'eol'], 'binary unsets text where a line ending is set');
  assert.equal(named('*.png binary\n'), [], 'binary alone changes nothing');
  assert.equal(named('tests/ export-ignore\nv.txt export-subst\n'), ['export-ignore', 'export-subst']);
  assert.equal(named('*.psd filter=lfs diff=lfs merge=lfs -text\n'), ['text', 'filter']);
  assert.equal(named('[attr]mine diff\n'), ['export-ignore', 'export-subst', 'text', 'eol', 'crlf', 'ident', 'filter', 'working-tree-encoding']);
});

test('asked only about the attributes their files name, git gives the answers it gives when asked about all', async () => {
  const tree = {
    'a.txt': 'a\nb\n',
    'b.png': 'png\n',
    'w/x.bat': 'x\n',
    'w/y.sh': 'y\n',
    'dev/z.txt': 'z\n',
    'v.txt': '$Format:%H$\n',
    'i.c': '$Id$\n',
  };
  const variants: Array<Record<string, string>> = [
    { '.gitattributes': '* eol=crlf\n*.png binary\n' },
    { '.gitattributes': '* text=auto eol=crlf\n*.sh -text\n', 'w/.gitattributes': '*.bat crlf\n' },
    { '.gitattributes': '*.txt -crlf\n*.bat eol=crlf\n*.png binary\n' },
    { '.gitattributes': 'dev/ export-ignore\nv.txt export-subst\n' },
    { '.gitattributes': 'i.c ident\n*.png binary diff\n' },
    { '.gitattributes': '[attr]win text eol=crlf\n*.bat win\n' },
    { '.gitattributes': '* eol=crlf\n"a.txt"-text\n' },
  ];
  for (const attributes of variants) {
    const repo = await makeRepo({ files: { ...tree, ...attributes } });
    const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
    const listed = await readTree(handle, repo.commits[0]!);
    const reader = new BlobReader(handle);
    try {
      const all = await readArchiveAttributes(handle, repo.commits[0]!, listed, scratchCache);
      const asked = await readArchiveAttributes(handle, repo.commits[0]!, listed, scratchCache, (oid) => reader.read(oid));
      assert.equal([...asked].sort(), [...all].sort(), JSON.stringify(attributes));
      assert.ok(all.size > 0, `nothing applies with ${JSON.stringify(attributes)}`);
    } finally {
      await reader.close();
    }
  }
});

test('.gitattributes that cannot apply: no git call, and git agrees that nothing applies', async () => {
  const repo = await makeRepo({
    files: { '.gitattributes': '*.c diff=cpp whitespace=trail\n*.png binary\n', 'sub/.gitattributes': '* linguist-vendored\n', 'a.c': 'int a;\n', 'sub/x.png': 'png\n' },
  });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const tree = await readTree(handle, repo.commits[0]!);
  const reader = new BlobReader(handle);
  try {
    // Its objects are nowhere: git, if asked, fails.
    const broken = { ...handle, gitDir: '/nonexistent', objectsDir: '/nonexistent/objects' };
    const read = (oid: string) => reader.read(oid);
    assert.is((await readArchiveAttributes(broken, repo.commits[0]!, tree, scratchCache, read)).size, 0);
    assert.is((await readArchiveAttributes(handle, repo.commits[0]!, tree, scratchCache)).size, 0);
    // A .gitattributes that cannot be read here is left to git: here, the broken repository's error.
    await readArchiveAttributes(broken, repo.commits[0]!, tree, scratchCache, () => Promise.reject(new Error('no such blob'))).then(
      () => assert.unreachable('git should have been asked'),
      (err: Error) => {
        assert.not.instance(err, assert.Assertion);
        assert.not.match(err.message, 'no such blob');
      },
    );
    // A .gitattributes that is a symlink is left to git too.
    const linked = tree.map((e) => (e.path === '.gitattributes' ? { ...e, type: 'symlink' as const, mode: 0o120000 } : e));
    await readArchiveAttributes(broken, repo.commits[0]!, linked, scratchCache, read).then(
      () => assert.unreachable('git should have been asked'),
      (err: Error) => assert.not.instance(err, assert.Assertion),
    );
  } finally {
    await reader.close();
  }
});

test('with the .gitattributes read first, the attributes are the ones git gives', async () => {
  const { handle, commit, tree, attrs } = await fixture();
  const reader = new BlobReader(handle);
  try {
    const read = await readArchiveAttributes(handle, commit, tree, scratchCache, (oid) => reader.read(oid));
    assert.equal([...read].sort(), [...attrs].sort());
    assert.ok(read.size >= 8);
  } finally {
    await reader.close();
  }
});

test('the scratch repository goes under the cache folder and is removed, also when git fails', async () => {
  const { readdir } = await import('node:fs/promises');
  const repo = await makeRepo({ files: { '.gitattributes': 'skip export-ignore\n', skip: 's\n' } });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const tree = await readTree(handle, repo.commits[0]!);
  const cache = await tempDir('cuckoo-attr-scratch-');
  assert.ok((await readArchiveAttributes(handle, repo.commits[0]!, tree, cache)).get('skip')?.exportIgnore);
  assert.equal(await readdir(`${cache}/tmp`), []);
  // A commit the repository does not have: read-tree fails inside the scratch repository.
  await readArchiveAttributes(handle, 'f'.repeat(40), tree, cache).then(() => assert.unreachable('git should fail'), (err: Error) => assert.not.instance(err, assert.Assertion));
  assert.equal(await readdir(`${cache}/tmp`), []);
});

test('sha256 repository: attributes and conversions', async () => {
  const repo = await makeRepo({ objectFormat: 'sha256', files: { '.gitattributes': 'x.c ident\nskip export-ignore\n', 'x.c': '$Id$\n', skip: 's\n' } });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const tree = await readTree(handle, repo.commits[0]!);
  const attrs = await readArchiveAttributes(handle, repo.commits[0]!, tree, scratchCache);
  assert.ok(attrs.get('skip')?.exportIgnore);
  const x = tree.find((e) => e.path === 'x.c')!;
  const got = await convertForArchive(Buffer.from('$Id$\n'), attrs.get('x.c')!, { repo: handle, commit: repo.commits[0]!, oid: x.oid });
  const archive = await readTar(await repo.archive('HEAD'));
  assert.ok(got.equals(archive.get('x.c')!.content));
  assert.is(got.toString(), `$Id: ${x.oid} $\n`);
});

test('crlfAction follows convert.c with core.autocrlf=false, core.eol=lf', () => {
  assert.is(crlfAction({}), 'binary');
  assert.is(crlfAction({ text: 'set' }), 'text-input');
  assert.is(crlfAction({ text: 'auto' }), 'auto-input');
  assert.is(crlfAction({ eol: 'crlf' }), 'text-crlf');
  assert.is(crlfAction({ text: 'auto', eol: 'crlf' }), 'auto-crlf');
  assert.is(crlfAction({ text: 'unset', eol: 'crlf' }), 'binary');
  assert.is(crlfAction({ crlf: 'unset', eol: 'crlf' }), 'binary');
  assert.is(crlfAction({ crlf: 'input', eol: 'crlf' }), 'text-crlf');
  assert.is(crlfAction({ text: 'set', crlf: 'unset', eol: 'crlf' }), 'text-crlf');
});

test('lfToCrlf and expandIdent edge cases', () => {
  assert.is(lfToCrlf(Buffer.from('\n\n'), false).toString(), '\r\n\r\n');
  assert.is(lfToCrlf(Buffer.from('a\r\n'), false).toString(), 'a\r\n');
  assert.is(lfToCrlf(Buffer.from('a\0\n'), false).toString(), 'a\0\r\n', 'text eol=crlf converts binary too');
  assert.is(lfToCrlf(Buffer.from('a\0\n'), true).toString(), 'a\0\n');
  const oid = 'f'.repeat(40);
  assert.is(expandIdent(Buffer.from('$Id$$Id$'), oid).toString(), `$Id: ${oid} $$Id: ${oid} $`);
  assert.is(expandIdent(Buffer.from('$Id:$'), oid).toString(), `$Id: ${oid} $`);
  assert.is(expandIdent(Buffer.from('$Id: a\nb $'), oid).toString(), '$Id: a\nb $');
  assert.is(expandIdent(Buffer.from('$Id'), oid).toString(), '$Id');
});

test.run();
