import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inferTag, parseReleaseName, tagCandidates } from '../../src/git/infer.js';
import { nearestTags } from '../../src/git/nearest.js';
import { openRepo } from '../../src/git/repo.js';
import { makeRepo, rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);

test('parseReleaseName on real release file names', () => {
  const cases: Array<[string, string, string]> = [
    ['xz-5.6.1.tar.gz', 'xz', '5.6.1'],
    ['curl-7.88.1.tar.xz', 'curl', '7.88.1'],
    ['R-2.5.0.tar.gz', 'R', '2.5.0'],
    ['openssh-9.2p1.tar.gz', 'openssh', '9.2p1'],
    ['hello-1.0.zip', 'hello', '1.0'],
    ['project-v2.3.tar.gz', 'project', '2.3'],
    ['foo_1.2.orig.tar.gz', 'foo', '1.2'],
    ['foo_1.2.orig-docs.tar.xz', 'foo', '1.2'],
    ['gst-plugins-base-1.22.0.tar.xz', 'gst-plugins-base', '1.22.0'],
    ['node-v20.11.1.tar.gz', 'node', '20.11.1'],
    ['Python-3.12.2.tgz', 'Python', '3.12.2'],
    ['boost_1_84_0.tar.bz2', 'boost', '1_84_0'],
    ['util-linux-2.39.3.tar.xz', 'util-linux', '2.39.3'],
    ['gtk+-3.24.41.tar.xz', 'gtk+', '3.24.41'],
    ['sqlite-autoconf-3450100.tar.gz', 'sqlite-autoconf', '3450100'],
    ['/downloads/zstd-1.5.5.tar.zst', 'zstd', '1.5.5'],
    ['apache-ant-1.10.14-src.zip', 'apache-ant', '1.10.14-src'],
    ['LIBFOO-2.0.TAR.GZ', 'LIBFOO', '2.0'],
    ['libusb-1.0_1.0.26.orig.tar.bz2', 'libusb-1.0', '1.0.26'],
    ['libuv1_1.44.2.orig.tar.gz', 'libuv1', '1.44.2'],
    ['glibc-2.39.tar.bz2', 'glibc', '2.39'],
  ];
  for (const [file, name, version] of cases) {
    const parsed = parseReleaseName(file);
    assert.equal(parsed && { name: parsed.name, version: parsed.version }, { name, version }, file);
  }
  assert.is(parseReleaseName('jq-jq-1.6.tar.gz')?.stem, 'jq-jq-1.6');
  assert.is(parseReleaseName('hello.tar.gz'), undefined);
  assert.is(parseReleaseName('release.zip'), undefined);
});

test('tagCandidates: the spellings projects use, most common first', () => {
  const xz = tagCandidates('xz', '5.6.1');
  assert.equal(xz.slice(0, 8), ['v5.6.1', '5.6.1', 'xz-5.6.1', 'xz-v5.6.1', 'xz_5.6.1', 'release-5.6.1', 'release_5.6.1', 'version-5.6.1']);
  assert.ok(xz.includes('V5.6.1'));
  assert.ok(xz.includes('V_5_6_1'));
  assert.ok(tagCandidates('curl', '7.88.1').includes('curl-7_88_1'));
  assert.ok(tagCandidates('R', '2.5.0').includes('R_2_5_0'));
  assert.ok(tagCandidates('openssh', '9.2p1').includes('V_9_2_P1'));
  assert.ok(tagCandidates('openssh', '9.2p1').indexOf('V_9_2_P1') > tagCandidates('openssh', '9.2p1').indexOf('openssh-9.2p1'));
  assert.ok(tagCandidates('boost', '1_84_0').includes('boost-1.84.0'));
  assert.ok(tagCandidates('gcc', '13.2.0').includes('releases/gcc-13.2.0'));
  assert.ok(tagCandidates('foo', '1.2+dfsg').includes('v1.2'), 'Debian repacks map back');
  assert.ok(tagCandidates('libtheora', '1.1.1+dfsg.1').includes('v1.1.1'), 'a repack numbered with a dot too');
  assert.ok(tagCandidates('foo', '1.0~rc1').includes('v1.0-rc1'), 'Debian tilde maps back');
  assert.ok(tagCandidates('foo', '3.4+really3.3').includes('v3.3'), 'Debian +really names the upstream version');
  assert.not.ok(tagCandidates('foo', '3.4+really3.3').includes('v3.4'), 'not the version it stands in for');
  assert.ok(tagCandidates('foo', '2.0+really1.9+dfsg').includes('foo-1.9'), '+really and a repack together');
  assert.ok(tagCandidates('apache-ant', '1.10.14-src').includes('v1.10.14'), 'source-package suffix dropped');
  assert.is(new Set(xz).size, xz.length, 'no duplicates');
});

test('nearestTags ranks by version distance', () => {
  const tags = ['v5.4.0', 'v5.6.0', 'v5.6.2', 'v5.6.1-rc', 'docs', 'v1.0', 'v5.6.10'];
  assert.equal(nearestTags(tags, '5.6.1', 3), ['v5.6.0', 'v5.6.2', 'v5.6.10']);
});

async function repoWithTags(tags: string[]) {
  const repo = await makeRepo({ files: { a: 'a\n' }, tags });
  return { repo, handle: await openRepo(repo.dir, { cacheDir: await tempDir() }) };
}

test('inferTag resolves each real spelling', async () => {
  const spellings: Array<[string, string]> = [
    ['xz-5.6.1.tar.gz', 'v5.6.1'],
    ['curl-7.88.1.tar.xz', 'curl-7_88_1'],
    ['R-2.5.0.tar.gz', 'R_2_5_0'],
    ['openssh-9.2p1.tar.gz', 'V_9_2_P1'],
    ['hello-1.0.zip', '1.0'],
    ['project-v2.3.tar.gz', 'project-v2.3'],
    ['foo_1.2.orig.tar.gz', 'release-1.2'],
    ['foo_1.3+dfsg.orig.tar.xz', 'v1.3'],
    ['bar-3.1.tar.gz', 'BAR-3.1'],
    ['expat-2.5.0.tar.gz', 'R_2_5_0'],
    // GitHub archive names: <repository>-<tag>
    ['jq-jq-1.6.tar.gz', 'jq-1.6'],
    ['libexpat-R_2_6_0.tar.gz', 'R_2_6_0'],
    ['libsodium_1.0.18.orig.tar.gz', '1.0.18-RELEASE'],
    ['popt_1.19+dfsg.orig.tar.xz', 'popt-1.19-release'],
    ['file_5.44.orig.tar.gz', 'FILE5_44'],
    ['json-c_0.16.orig.tar.gz', 'json-c-0.16-20220414'],
    ['libblockdev_2.28.orig.tar.gz', '2.28-1'],
    ['c-ares_1.18.1.orig.tar.gz', 'cares-1_18_1'],
    ['libnl3_3.7.0.orig.tar.gz', 'libnl3_7_0'],
    ['lcms2_2.14.orig.tar.gz', 'lcms2.14'],
    ['libusb-1.0_1.0.27.orig.tar.bz2', 'v1.0.27'],
    ['distcc_3.4+really3.4.orig.tar.gz', 'v3.4'],
    // The version whole among other words.
    ['krb5_1.20.1.orig.tar.gz', 'krb5-1.20.1-final'],
    ['lvm2_2.03.16.orig.tar.xz', 'v2_03_16'],
    ['nettle_3.8.1.orig.tar.gz', 'nettle_3.8.1_release_20220727'],
  ];
  const { repo, handle } = await repoWithTags([...new Set(spellings.map(([, tag]) => tag))].concat(['v0.9', 'unrelated']));
  for (const [file, tag] of spellings) {
    const ref = await inferTag(handle, file);
    assert.is(ref.ref, tag, file);
    assert.is(ref.commit, repo.commits[0]);
    assert.ok(ref.inferredFrom && ref.inferredFrom.length > 5);
  }
});

test('inferTag: exact spellings win over case-insensitive ones, and in candidate order', async () => {
  const { handle } = await repoWithTags(['V1.0', 'xz-1.0', 'v2.0']);
  assert.is((await inferTag(handle, 'xz-1.0.tar.gz')).ref, 'xz-1.0');
  assert.is((await inferTag(handle, 'xz-2.0.tar.gz')).ref, 'v2.0');
});

test('inferTag: a dated spelling counts only where no plain one matches, and only with a whole date', async () => {
  const { handle } = await repoWithTags(['json-c-0.15-20200726', 'json-c-0.16', 'json-c-0.16-20220414', 'json-c-0.17-2023', 'json-c-0.18-20240101-rc1']);
  assert.is((await inferTag(handle, 'json-c-0.16.tar.gz')).ref, 'json-c-0.16');
  assert.is((await inferTag(handle, 'json-c-0.15.tar.gz')).ref, 'json-c-0.15-20200726');
  await rejects(inferTag(handle, 'json-c-0.17.tar.gz'), 'input', /no tag for json-c 0\.17/);
  await rejects(inferTag(handle, 'json-c-0.18.tar.gz'), 'input', /no tag for json-c 0\.18/);
});

test('inferTag: a first release number after a spelling counts only where no plain one matches, and only -1', async () => {
  const { handle } = await repoWithTags(['2.27-1', '2.27', '2.28-1', '2.29-2', 'libblockdev-2.30-1']);
  assert.is((await inferTag(handle, 'libblockdev_2.27.orig.tar.gz')).ref, '2.27');
  assert.is((await inferTag(handle, 'libblockdev_2.28.orig.tar.gz')).ref, '2.28-1');
  assert.is((await inferTag(handle, 'libblockdev_2.30.orig.tar.gz')).ref, 'libblockdev-2.30-1');
  await rejects(inferTag(handle, 'libblockdev_2.29.orig.tar.gz'), 'input', /no tag for libblockdev 2\.29/);
});

test('inferTag: a tag holding the version whole counts only where no spelling matches, never a pre-release or a longer version', async () => {
  const { handle } = await repoWithTags(['krb5-1.20-beta1', 'krb5-1.20.1-beta1', 'krb5-1.20.10-final', 'v1.1.20.1', 'krb5-1.20.2-final', 'v1.20.2', 'krb5-1.21rc1']);
  await rejects(inferTag(handle, 'krb5-1.20.1.tar.gz'), 'input', /no tag for krb5 1\.20\.1/);
  await rejects(inferTag(handle, 'krb5-1.21.tar.gz'), 'input', /no tag for krb5 1\.21/);
  // A spelling that matches wins over a tag that holds the version.
  assert.is((await inferTag(handle, 'krb5-1.20.2.tar.gz')).ref, 'v1.20.2');
  // Of several, those that name the project; two of those on different commits are ambiguous.
  const two = await makeRepo({ files: { a: 'a\n' }, tags: ['krb5-1.20.1-final'], commits: [{ files: { a: 'b\n' }, tags: ['kfw-1.20.1'] }] });
  assert.is((await inferTag(await openRepo(two.dir, { cacheDir: await tempDir() }), 'krb5-1.20.1.tar.gz')).ref, 'krb5-1.20.1-final');
  const three = await makeRepo({ files: { a: 'a\n' }, tags: ['krb5-1.20.1-final'], commits: [{ files: { a: 'b\n' }, tags: ['krb5-1.20.1-signed'] }] });
  await rejects(inferTag(await openRepo(three.dir, { cacheDir: await tempDir() }), 'krb5-1.20.1.tar.gz'), 'input', /several tags match krb5 1\.20\.1 .*: krb5-1\.20\.1-final, krb5-1\.20\.1-signed/);
});

test('inferTag: several tags on different commits are ambiguous', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' }, tags: ['v1.0'], commits: [{ files: { a: 'b\n' }, tags: ['1.0'] }] });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  await rejects(inferTag(handle, 'x-1.0.tar.gz'), 'input', /several tags match x 1\.0 .*: v1\.0, 1\.0/);
});

test('inferTag: no match lists what was tried and the nearest tags', async () => {
  const { handle } = await repoWithTags(['v5.6.0', 'v5.6.2', 'v5.4.0', 'v1.0', 'latest']);
  const e = await rejects(inferTag(handle, 'xz-5.6.1.tar.gz'), 'input', /^no tag for xz 5\.6\.1 in .*: tried v5\.6\.1, 5\.6\.1, xz-5\.6\.1, xz-v5\.6\.1, xz_5\.6\.1, release-5\.6\.1, /);
  assert.match(e.message, /V_5_6_1/);
  assert.match(e.hint!, /^nearest tags: v5\.6\.0, v5\.6\.2, .*; pass --tag or --commit$/);
  assert.not.match(e.hint!, /latest/);
  await rejects(inferTag(handle, 'noversion.tar.gz'), 'input', /cannot tell the version/);
  const { handle: bare } = await repoWithTags([]);
  const none = await rejects(inferTag(bare, 'xz-5.6.1.tar.gz'), 'input', /no tag for xz/);
  assert.match(none.hint!, /no tags/);
});

test.run();
