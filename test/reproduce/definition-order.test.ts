import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reorderedDefinitions } from '../../src/reproduce/definition-order.js';

const text = (blocks: string[]) => `"""Generated."""\nimport mod\n\n${blocks.join('\n\n')}\n\nclass Doc:\n    pass\n`;
const a = '# htmlStatus\nHTML_NA = 0\nHTML_INVALID = 1';
const b = '# xlinkShow\nXLINK_SHOW_NONE = 0\nXLINK_SHOW_NEW = 1';
const c = "# names\nFIRST = 'first'\nSECOND = \"second\"\nMASK = 0xff\nLOW = -1";

test('reorderedDefinitions: the same constant blocks in another order', () => {
  assert.equal(reorderedDefinitions(text([c, a, b]), text([a, b, c])), { blocks: 3, names: 8 });
  // Blocks at the very start or end of the text.
  assert.equal(reorderedDefinitions(`${b}\n\n${a}\n`, `${a}\n\n${b}\n`), { blocks: 2, names: 4 });
  assert.is(reorderedDefinitions(text([a, b, c]), text([a, b, c])), undefined);
});

test('reorderedDefinitions: anything else differing, or a block that is not constant definitions, is not forgiven', () => {
  // A value changed in a moved block.
  assert.is(reorderedDefinitions(text([b, a.replace('= 1', '= 2')]), text([a, b])), undefined);
  // The same name in two blocks: their order decides its value.
  const again = '# again\nHTML_NA = 5';
  assert.is(reorderedDefinitions(text([again, a, b]), text([a, again, b])), undefined);
  // A call, an expression, an escape in a string.
  for (const line of ["os.system('id')", 'X = f()', 'X = 1 + 1', "X = 'a\\'b'", 'X = 1; import os']) {
    assert.is(reorderedDefinitions(text([b, `${a}\n${line}`]), text([`${a}\n${line}`, b])), undefined, line);
  }
  // A comment-only block defines nothing.
  assert.is(reorderedDefinitions(text(['# only a comment', a]), text([a, '# only a comment'])), undefined);
  // Outside the reordered run the texts must agree.
  assert.is(reorderedDefinitions(text([b, a]).replace('class Doc', 'class Evil'), text([a, b])), undefined);
});

test.run();
