import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { npmManifest } from '../../src/analyze/rules/npm-manifest.js';
import { context, modified } from './generated-context.js';

const tagManifest = {
  name: '@acme/glob',
  version: '0.0.0-development',
  main: 'src/index.ts',
  scripts: { build: 'tsc', test: 'uvu' },
  dependencies: { '@acme/path': 'workspace:^', picomatch: '^4.0.2', '@acme/log': 'catalog:' },
  devDependencies: { typescript: '^5.9.0' },
  publishConfig: { main: 'dist/index.js', types: 'dist/index.d.ts', access: 'public' },
};
const ctx = context({ 'package.json': JSON.stringify(tagManifest, null, 2) }, { releaseVersion: '1.4.0' });
const judge = (release: object) => npmManifest.judge(modified('package.json', JSON.stringify(release, null, 2)), ctx);

test('pnpm publish: workspace and catalog ranges resolved, publishConfig applied, version set, dev fields dropped', async () => {
  const { devDependencies: _dev, scripts: _scripts, ...kept } = tagManifest;
  const published = {
    ...kept,
    version: '1.4.0',
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    dependencies: { '@acme/path': '^1.4.0', picomatch: '^4.0.2', '@acme/log': '2.1.0' },
    publishConfig: { access: 'public' },
  };
  const j = await judge(published);
  assert.is(j?.category, 'npm-package');
  assert.is(j?.severity, 'low');
  for (const part of ['`main` from publishConfig', 'version set to the release\'s 1.4.0', 'workspace ranges of `dependencies` resolved', '`devDependencies` dropped', '`publishConfig` trimmed']) {
    assert.ok(j!.reasons[0]!.includes(part), part);
  }
});

test('an install script, a changed range that was not a workspace one, another version or name is not explained', async () => {
  assert.is(await judge({ ...tagManifest, scripts: { ...tagManifest.scripts, postinstall: 'node x.js' } }), undefined);
  assert.is(await judge({ ...tagManifest, dependencies: { ...tagManifest.dependencies, picomatch: '^4.0.3' } }), undefined);
  assert.is(await judge({ ...tagManifest, dependencies: { ...tagManifest.dependencies, evil: '1.0.0' } }), undefined);
  assert.is(await judge({ ...tagManifest, version: '1.4.1' }), undefined);
  assert.is(await judge({ ...tagManifest, name: 'other' }), undefined);
  assert.is(await judge({ ...tagManifest, main: 'evil.js' }), undefined);
  // The same manifest reformatted is explained as such.
  const same = await npmManifest.judge(modified('package.json', JSON.stringify(tagManifest)), ctx);
  assert.equal(same?.reasons, ['package.json with the same content, formatted differently']);
});

test.run();
