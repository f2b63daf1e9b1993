import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectedLines } from '../../src/analyze/rules/collected-lines.js';
import { added, context } from './generated-context.js';

// libarchive's Makefile.am: cat $(top_srcdir)/tar/test/test_*.c | grep '^DEFINE_TEST' > tar/test/list.h
const tag = {
  'tar/test/main.c': 'int main(void) { return 0; }\n',
  'tar/test/test_basic.c': '#include "test.h"\nDEFINE_TEST(test_basic)\n{\n  assert(1);\n}\n',
  'tar/test/test_copy.c': 'DEFINE_TEST(test_copy)\n{\n}\nDEFINE_TEST(test_copy_long)\n{\n}\n',
  'tar/test/test.h': '#define DEFINE_TEST(n) void n(void)\n',
  'tar/other/test_zzz.c': 'DEFINE_TEST(test_elsewhere)\n',
};
const list = 'DEFINE_TEST(test_basic)\nDEFINE_TEST(test_copy)\nDEFINE_TEST(test_copy_long)\n';

test("a list collected from the tag's sources of its folder is recomputed, byte for byte", async () => {
  const j = await collectedLines.judge(added('tar/test/list.h', list), context(tag));
  assert.is(j?.category, 'collected-lines');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, "the 3 lines starting with `DEFINE_TEST(` in the tag's 2 source files of tar/test/, file by file in name order");
});

test('a line the sources lack, another order, a missing line or another shape is not this', async () => {
  const ctx = context(tag);
  const judge = (text: string) => collectedLines.judge(added('tar/test/list.h', text), ctx);
  assert.is(await judge(`${list}DEFINE_TEST(test_planted)\n`), undefined);
  assert.is(await judge('DEFINE_TEST(test_copy)\nDEFINE_TEST(test_basic)\nDEFINE_TEST(test_copy_long)\n'), undefined);
  assert.is(await judge('DEFINE_TEST(test_basic)\nDEFINE_TEST(test_copy)\n'), undefined);
  assert.is(await judge(`${list}system("sh x");\n`), undefined);
  // A file from another folder is not collected.
  assert.is(await judge(`${list}DEFINE_TEST(test_elsewhere)\n`), undefined);
  assert.is(await collectedLines.judge(added('tar/empty/list.h', list), ctx), undefined);
});

test.run();
