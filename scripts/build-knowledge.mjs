#!/usr/bin/env node
// Builds knowledge/index.json, the shipped library of known-good files, from
// Debian's packages of the tools that copy files into releases (autoconf,
// automake, libtool and libltdl-dev, gettext and autopoint's archive of every gettext version,
// gnulib, autoconf-archive, pkgconf, pkg-config (bullseye's, before pkgconf took its
// name), texinfo, autotools-dev), and from the
// upstream tarballs (`.orig.tar.*`) of their source packages: Debian patches
// some files (libtool.m4, ltmain.sh), and releases carry the upstream ones.
// Besides the configured suite, the packages of other suites (bullseye, trixie) are read
// through a temporary sources list; the system's apt configuration is not touched.
//
// Usage: node scripts/build-knowledge.mjs [--out knowledge/index.json] [--debs DIR] [--sources DIR] [--suites trixie]
//                                         [--history PKG=REPO]
//   --debs DIR     use the .deb files already in DIR instead of `apt-get download`.
//   --sources DIR  use the .orig.tar.* files already in DIR instead of `apt-get source`.
//   --suites LIST  comma-separated extra suites to read (default bullseye,trixie; '' for none).
//                  bullseye brings autoconf 2.69, automake 1.16.3 and libtool 2.4.6, which
//                  made most releases of 2015 to 2022.
//   --history PKG=REPO  also every version of the aux scripts in REPO's build-aux/ or lib/
//                  over its whole history (gnulib: the config.guess, config.sub, texinfo.tex
//                  … of each snapshot a project may have copied; automake: missing,
//                  test-driver, INSTALL … of each release), as PKG <tag> or PKG <commit date>;
//                  and every version of its m4/*.m4 macros, into the m4 history file
//                  (knowledge/m4-history.bin, read only when a release's m4 file is looked up).
//                  Repeatable. GNU config's repository (config=REPO) gives every config.guess
//                  and config.sub it made, kept at its top. With libtool's repository, the
//                  ltmain.sh of libtool 2.4.6 (whose tarball is not served here) is made from
//                  it as libtool's build makes it (scripts/libtool-ltmain.mjs, text only:
//                  nothing of the repository runs).
//   --pkg-config REPO  pkg.m4 of every release of pkg-config's repository whose tarball gives
//                  none (scripts/pkg-config-m4.mjs: the tag's pkg.m4, or its pkg.m4.in with
//                  the version configure puts for @VERSION@; text only, nothing runs).
//                  Releases made before pkgconf took pkg-config's name carry these.
// Beside index.json it writes index.bin, the same records in the form a run reads
// (src/analyze/knowledge/index-bin.ts), and knowledge/texts.bin: the text of every file the index and the
// m4 history know, compressed, so a look-alike is diffed against its nearest genuine version on
// any machine. Needs apt-get (with a configured mirror and deb-src), dpkg-deb, tar and xz. CI
// does not run it: the index, the history and the texts are committed. `make knowledge` then
// runs build-variants.mjs, which adds the distributions' patched copies of these files.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option as optionOf, run } from './knowledge-run.mjs';
import { ltmainFromRepo } from './libtool-ltmain.mjs';
import { pkgM4FromRepo } from './pkg-config-m4.mjs';
// The compiled code, so the index and the rules agree on names and serials (`make knowledge` builds first).
import { auxNames } from '../dist/src/analyze/knowledge/names.js';
import { listHistoryFiles, readHistoryFiles } from '../dist/src/git/history-files.js';
import { openRepo } from '../dist/src/git/repo.js';
import { m4CodeHash, parseSerial } from '../dist/src/analyze/m4.js';
import { knownFacts } from '../dist/src/analyze/knowledge/facts.js';
import { encodeHistory } from '../dist/src/analyze/knowledge/history-file.js';
import { writeIndexFiles } from '../dist/src/analyze/knowledge/index-bin.js';
import { encodeTexts } from '../dist/src/analyze/knowledge/texts-file.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => optionOf(args, name);
const out = resolve(option('--out') ?? join(root, 'knowledge/index.json'));
const historyOut = join(dirname(out), 'm4-history.bin');
const textsOut = join(dirname(out), 'texts.bin');

// Binary packages whose files end up in release tarballs. texinfo.tex also
// ships in automake and gnulib; texinfo's own copy is the one TeX uses.
// ltdl.m4 is libltdl-dev's: a release made where it is installed carries the distribution's copy in aclocal.m4.
const packages = ['autoconf', 'automake', 'libtool', 'libltdl-dev', 'gettext', 'autopoint', 'gnulib', 'autoconf-archive', 'pkgconf', 'pkg-config', 'texinfo', 'autotools-dev', 'gtk-doc-tools'];
// Source packages whose upstream tarballs are read (apt-get source resolves
// binary names: automake is automake-1.16 in bookworm, automake-1.17 in trixie).
const sourcePackages = ['autoconf', 'automake', 'libtool', 'gettext', 'gnulib', 'autoconf-archive', 'pkgconf', 'pkg-config', 'texinfo'];
const suitesOption = option('--suites');
const extraSuites = (suitesOption ?? 'bullseye,trixie').split(',').filter(Boolean);
const mirror = 'http://deb.debian.org/debian';
const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';

// autoconf's own m4 (m4sugar, autotest, autoconf/) is read from its data
// folder at run time and never copied into a project.
const internalM4 = /^usr\/share\/autoconf\/(autoconf|autotest|m4sugar)\//;

function wanted(path) {
  const name = posix.basename(path);
  if (name.endsWith('.m4')) return !internalM4.test(path);
  if (auxNames.has(name)) return true;
  // Everything gnulib-tool may copy as an aux file.
  return /^usr\/share\/gnulib\/build-aux\//.test(path);
}


/** Every text described, by name and blob id, in the order first seen (a history's oldest first). */
const texts = new Map();
function keepText(name, blobId, bytes) {
  const key = `${name}\0${blobId}`;
  if (!texts.has(key)) texts.set(key, { name, blobId, bytes });
}

function describe(bytes, name, path, origin) {
  const file = { name, path, ...knownFacts(name, bytes, origin), origin };
  keepText(name, file.blobId, bytes);
  return file;
}

/**
 * Files of an upstream tarball worth indexing: the names the tool's own binary
 * packages install, outside test suites (gettext's and texinfo's tarballs also
 * carry their own libtool.m4, which is libtool's file, not theirs).
 */
function wantedUpstream(pkg, rel, names) {
  const parts = rel.split('/').slice(1); // below the tarball's top folder
  const path = parts.join('/');
  const name = posix.basename(rel);
  if (pkg === 'gnulib') return (parts[0] === 'm4' && name.endsWith('.m4')) || parts[0] === 'build-aux';
  if (parts.some((p) => p === 'tests' || p === 'testsuite' || p === 't')) return false;
  if (pkg === 'autoconf' && /^lib\/(autoconf|autotest|m4sugar)\//.test(path)) return false;
  return names.has(name);
}

/** Apt options reading a temporary sources list for suite, with lists and caches under dir. */
function aptFor(suite, dir) {
  mkdirSync(join(dir, 'lists/partial'), { recursive: true });
  mkdirSync(join(dir, 'cache/archives/partial'), { recursive: true });
  const list = join(dir, 'sources.list');
  writeFileSync(list, ['deb', 'deb-src'].map((t) => `${t} [signed-by=${keyring}] ${mirror} ${suite} main\n`).join(''));
  return ['-o', `Dir::Etc::SourceList=${list}`, '-o', 'Dir::Etc::SourceParts=-', '-o', `Dir::State::Lists=${join(dir, 'lists')}`, '-o', `Dir::Cache=${join(dir, 'cache')}`];
}

/** Regular files under dir, symlinks resolved inside the extracted tree (automake links config.guess to autotools-dev). */
function* walk(base, dir = base) {
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    let st = lstatSync(full);
    let real = full;
    if (st.isSymbolicLink()) {
      const target = readlinkSync(full);
      real = target.startsWith('/') ? join(base, target) : resolve(dirname(full), target);
      try {
        st = lstatSync(real);
      } catch {
        continue; // points into another package
      }
    }
    if (st.isDirectory() && !lstatSync(full).isSymbolicLink()) yield* walk(base, full);
    else if (st.isFile()) yield { rel: relative(base, full).split('\\').join('/'), real };
  }
}

const historyOptions = args.flatMap((a, i) => (a === '--history' ? [args[i + 1]] : []));
// libtool releases whose ltmain.sh is made from the --history libtool repository when no tarball of them is read.
const libtoolFromRepo = ['2.4.6'];

/**
 * Every version of the aux scripts under build-aux/ in a repository's history
 * (gnulib keeps config.guess, config.sub, texinfo.tex, install-sh … there),
 * each as `PKG YYYYMMDD` of the commit that first had it; and every version of
 * its m4/*.m4 macros, into `versions` for the m4 history file.
 */
async function indexHistory(spec, files, versions) {
  const eq = spec.indexOf('=');
  if (eq < 1) throw new Error(`--history ${spec}: expected PKG=REPO`);
  const pkg = spec.slice(0, eq);
  const repo = await openRepo(resolve(spec.slice(eq + 1)), { cacheDir: join(work, 'cache') });
  const dates = new Map(
    run('git', ['--git-dir', repo.gitDir, 'log', '--all', '--format=%H %cd', '--date=format:%Y%m%d'])
      .trim()
      .split('\n')
      .map((line) => line.split(' ')),
  );
  // gnulib keeps its aux scripts in build-aux/ (config/ long ago), automake in lib/; GNU config,
  // where config.guess and config.sub are made, keeps those two at its top.
  const atTop = new Set(['config.guess', 'config.sub']);
  const isAux = (f) => auxNames.has(f.name) && (['build-aux', 'config', 'lib'].some((dir) => f.path === `${dir}/${f.name}`) || (atTop.has(f.name) && f.path === f.name));
  const isMacro = (f) => f.name.endsWith('.m4') && f.path === `m4/${f.name}`;
  const listed = (await listHistoryFiles(repo, (name) => auxNames.has(name) || name.endsWith('.m4'))).filter((f) => isAux(f) || isMacro(f));
  await readHistoryFiles(repo, listed, (f, bytes) => {
    const version = f.tag?.replace(/^v(?=\d)/, '') ?? dates.get(f.commit) ?? f.commit.slice(0, 12);
    if (isAux(f)) {
      files.push(describe(bytes, f.name, `${pkg}.git:${f.path}@${f.commit.slice(0, 12)}`, { package: pkg, version }));
      return;
    }
    const text = bytes.toString('latin1');
    const serial = parseSerial(text);
    const blobId = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    versions.push({
      name: f.name,
      dir: 'm4',
      ...(serial !== undefined ? { serial } : {}),
      codeHash: m4CodeHash(text),
      blobId,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      commit: f.commit,
      version,
      package: pkg,
    });
    keepText(f.name, blobId, bytes);
  }, { maxBytes: 4 * 1024 * 1024 });
}

const work = mkdtempSync(join(tmpdir(), 'cuckoo-knowledge-'));
try {
  let debs = option('--debs');
  let sources = option('--sources');
  // The configured suite, then each extra one. An extra suite's packages are asked for as
  // NAME/SUITE: apt would otherwise take the installed version, which an older suite lacks.
  const suiteOpts = [{ opts: [], at: (name) => name }];
  if ((!debs || !sources) && extraSuites.length) {
    for (const suite of extraSuites) {
      const opts = aptFor(suite, join(work, 'apt', suite));
      run('apt-get', [...opts, 'update']);
      suiteOpts.push({ opts, at: (name) => `${name}/${suite}` });
    }
  }
  if (!debs) {
    debs = join(work, 'debs');
    mkdirSync(debs);
    for (const { opts, at } of suiteOpts) run('apt-get', [...opts, 'download', ...packages.map(at)], { cwd: debs });
  }
  if (!sources) {
    sources = join(work, 'sources');
    mkdirSync(sources);
    // One package at a time: a file missing on the mirror costs only that package (apt fetches the rest).
    for (const { opts, at } of suiteOpts) {
      for (const pkg of sourcePackages) {
        try {
          run('apt-get', [...opts, 'source', '--download-only', at(pkg)], { cwd: sources });
        } catch (err) {
          console.warn(`warning: ${String(err.message).split('\n').find((l) => l.startsWith('E:')) ?? err.message}`);
        }
      }
    }
  }
  const files = [];
  const summary = [];
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb')).sort()) {
    const debPath = join(debs, deb);
    const pkg = run('dpkg-deb', ['-f', debPath, 'Package']).trim();
    if (!packages.includes(pkg)) continue;
    const version = run('dpkg-deb', ['-f', debPath, 'Version']).trim();
    const tree = join(work, 'x', deb); // one per suite
    mkdirSync(tree, { recursive: true });
    run('dpkg-deb', ['-x', debPath, tree]);
    const before = files.length;
    for (const { rel, real } of walk(tree)) {
      if (!wanted(rel)) continue;
      files.push(describe(readFileSync(real), posix.basename(rel), `/${rel}`, { package: pkg, version }));
    }
    // autopoint carries the files of every gettext release since 0.10.35;
    // projects ship whichever one they were gettextized with.
    const archive = join(tree, 'usr/share/gettext/archive.dir.tar.xz');
    if (pkg === 'autopoint' && lstatSync(archive, { throwIfNoEntry: false })) {
      const dir = join(work, 'gettext-archive', deb);
      mkdirSync(dir, { recursive: true });
      run('tar', ['-xJf', archive, '-C', dir]);
      for (const { rel, real } of walk(dir)) {
        const release = rel.split('/')[0];
        const name = posix.basename(rel);
        if (!release.startsWith('gettext-') || !(name.endsWith('.m4') || auxNames.has(name))) continue;
        files.push(describe(readFileSync(real), name, `${archive.slice(tree.length)}:${rel}`, { package: 'gettext', version: release.slice('gettext-'.length) }));
      }
    }
    summary.push(`${pkg} ${version}: ${files.length - before} files`);
    rmSync(tree, { recursive: true, force: true });
  }
  // Upstream tarballs: the names the tool's binary packages install, origin without a Debian revision.
  const installedBy = new Map();
  for (const f of files) {
    const tool = f.origin.package === 'autopoint' ? 'gettext' : f.origin.package;
    if (!installedBy.has(tool)) installedBy.set(tool, new Set());
    installedBy.get(tool).add(f.name);
  }
  for (const tarball of readdirSync(sources).filter((f) => /^[^_]+_[^_]+\.orig\.tar\.(gz|xz|bz2|lzma)$/.test(f)).sort()) {
    const [src, rest] = tarball.split('_');
    const version = rest.replace(/\.orig\.tar\.\w+$/, '');
    const pkg = src.replace(/-\d+(\.\d+)*$/, ''); // automake-1.16 -> automake
    if (!sourcePackages.includes(pkg)) continue;
    const tree = join(work, 'orig', tarball);
    mkdirSync(tree, { recursive: true });
    // gnulib's tarball is large: only its m4/ and build-aux/ folders can reach a release.
    const only = pkg === 'gnulib' ? ['--wildcards', '--no-wildcards-match-slash', '*/m4/*', '*/build-aux/*'] : [];
    run('tar', ['-xf', join(sources, tarball), '-C', tree, ...only]);
    const before = files.length;
    for (const { rel, real } of walk(tree)) {
      if (!wantedUpstream(pkg, rel, installedBy.get(pkg) ?? new Set())) continue;
      files.push(describe(readFileSync(real), posix.basename(rel), `${tarball}:${rel}`, { package: pkg, version }));
    }
    rmSync(tree, { recursive: true, force: true });
    summary.push(`${tarball}: ${files.length - before} files`);
  }
  const versions = [];
  for (const spec of historyOptions) {
    const before = files.length;
    const macrosBefore = versions.length;
    await indexHistory(spec, files, versions);
    summary.push(`${spec}: ${files.length - before} aux script versions, ${versions.length - macrosBefore} m4 macro versions`);
  }
  // libtool releases whose tarball is not read here: their ltmain.sh as libtool's build writes it from the repository.
  const libtoolRepo = historyOptions.find((spec) => spec.startsWith('libtool='))?.slice('libtool='.length);
  for (const version of libtoolFromRepo) {
    if (!libtoolRepo || files.some((f) => f.name === 'ltmain.sh' && f.origin.package === 'libtool' && f.origin.version === version)) continue;
    const gitDir = resolve(libtoolRepo);
    const show = (path) => run('git', ['--git-dir', gitDir, 'show', `v${version}:${path}`], { encoding: 'latin1' });
    const bytes = ltmainFromRepo(show, version);
    if (!bytes) {
      console.warn(`warning: libtool ${version}: the repository's layout is not the one its ltmain.sh is made from; skipped`);
      continue;
    }
    files.push(describe(bytes, 'ltmain.sh', `libtool.git:build-aux/ltmain.sh@v${version} (inline-source of ltmain.in)`, { package: 'libtool', version }));
    summary.push(`libtool ${version}: ltmain.sh made from the repository`);
  }
  // pkg-config releases whose pkg.m4 no tarball read gave: as each release carries it, from the repository.
  const pkgConfigRepo = option('--pkg-config');
  if (pkgConfigRepo) {
    const before = files.length;
    for (const { version, path, bytes } of pkgM4FromRepo(resolve(pkgConfigRepo))) {
      if (files.some((f) => f.name === 'pkg.m4' && f.origin.package === 'pkg-config' && f.origin.version === version)) continue;
      files.push(describe(bytes, 'pkg.m4', `pkg-config.git:${path}`, { package: 'pkg-config', version }));
    }
    summary.push(`pkg-config's repository: ${files.length - before} pkg.m4 versions`);
  }
  const key = (f) => [f.name, f.origin.package, f.origin.version, f.path].join('\0');
  files.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  // The same file of the same release found twice (two copies in a tarball, autopoint's archive and gettext's tarball): keep the first path.
  const seen = new Set();
  for (let i = 0; i < files.length; i++) {
    const id = [files[i].blobId, files[i].name, files[i].origin.package, files[i].origin.version].join('\0');
    if (seen.has(id)) files.splice(i--, 1);
    else seen.add(id);
  }
  mkdirSync(dirname(out), { recursive: true });
  // One file per line (small diffs when the index is rebuilt), and index.bin beside it, the form a run reads.
  writeIndexFiles(out, files);
  const history = encodeHistory(versions);
  writeFileSync(historyOut, history);
  const textBytes = encodeTexts(texts.values());
  writeFileSync(textsOut, textBytes);
  for (const line of summary) console.log(line);
  const names = new Set(files.map((f) => f.name)).size;
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(`${files.length} files (${names} names) written to ${relative(process.cwd(), out) || out}`);
  console.log(`${versions.length} m4 macro versions (${mb(history.length)}) written to ${relative(process.cwd(), historyOut) || historyOut}`);
  console.log(`${texts.size} texts (${mb([...texts.values()].reduce((n, t) => n + t.bytes.length, 0))}, ${mb(textBytes.length)} compressed) written to ${relative(process.cwd(), textsOut) || textsOut}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
