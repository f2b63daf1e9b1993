import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pythonSdist } from '../../src/analyze/rules/python-sdist.js';
import type { Change } from '../../src/compare/change.js';
import { added, context, modified, relFile } from './generated-context.js';

const pkgInfo = 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nSummary: Python 2 and 3 compatibility utilities\nHome-page: https://example.org/six\nLicense: MIT\n\nLong description.\n';
const setupCfgTag = '[bdist_wheel]\nuniversal = 1\n\n[flake8]\nmax-line-length = 100\n';

function sdist(files: Record<string, string>) {
  const ctx = context({ 'setup.py': 'from setuptools import setup\nsetup()\n', 'setup.cfg': setupCfgTag, 'six.py': '' }, { releaseVersion: '1.16.0' });
  ctx.releaseOnly = new Map(Object.entries(files).map(([p, t]) => [p, relFile(p, t)]));
  return ctx;
}

test('PKG-INFO, egg-info files and the [egg_info] section of setup.cfg are explained in their shapes', async () => {
  const files = {
    'PKG-INFO': pkgInfo,
    'six.egg-info/PKG-INFO': pkgInfo,
    'six.egg-info/SOURCES.txt': 'setup.cfg\nsetup.py\nsix.py\nsix.egg-info/PKG-INFO\nsix.egg-info/SOURCES.txt\nsix.egg-info/top_level.txt\n',
    'six.egg-info/top_level.txt': 'six\n',
    'six.egg-info/dependency_links.txt': '\n',
    'six.egg-info/requires.txt': 'packaging>=20\n\n[test]\npytest>=6; python_version >= "3.7"\n',
    'six.egg-info/entry_points.txt': '[console_scripts]\nsix = six:main\n',
  };
  const ctx = sdist(files);
  for (const path of Object.keys(files)) {
    const j = await pythonSdist.judge(added(path, files[path as keyof typeof files]), ctx);
    assert.is(j?.category, 'python-sdist', path);
    assert.is(j?.severity, 'low');
  }
  const j = await pythonSdist.judge(added('PKG-INFO', pkgInfo), ctx);
  assert.match(j!.reasons[0]!, 'core metadata the sdist build writes (six 1.16.0); the tag is a Python project (setup.py)');
  const cfg = await pythonSdist.judge(modified('setup.cfg', `${setupCfgTag}\n[egg_info]\ntag_build = \ntag_date = 0\n\n`), ctx);
  assert.is(cfg?.category, 'python-sdist');
});

test('look-alikes are not explained', async () => {
  const ctx = sdist({});
  const judge = (c: Change) => pythonSdist.judge(c, ctx);
  // Another version than the release's, no metadata header, a path not in the tree, code in an egg-info file.
  assert.is(await judge(added('PKG-INFO', pkgInfo.replace('1.16.0', '1.17.0'))), undefined);
  assert.is(await judge(added('PKG-INFO', 'Name: six\nVersion: 1.16.0\n')), undefined);
  assert.is(await judge(added('six.egg-info/SOURCES.txt', 'six.py\nevil.py\n')), undefined);
  assert.is(await judge(added('six.egg-info/top_level.txt', 'import os; os.system("id")\n')), undefined);
  assert.is(await judge(added('six.egg-info/run.py', 'print(1)\n')), undefined);
  // setup.cfg: a removed line, or something besides [egg_info].
  assert.is(await judge(modified('setup.cfg', `[bdist_wheel]\nuniversal = 0\n\n[egg_info]\ntag_build = \n`)), undefined);
  assert.is(await judge(modified('setup.cfg', `${setupCfgTag}\n[egg_info]\ntag_build = \n[options]\ninstall_requires = evil\n`)), undefined);
  // Not a Python project: nothing is explained.
  const plain = context({ 'Makefile': '' }, { releaseVersion: '1.16.0' });
  plain.releaseOnly = new Map();
  assert.is(await pythonSdist.judge(added('PKG-INFO', pkgInfo), plain), undefined);
});

test.run();
