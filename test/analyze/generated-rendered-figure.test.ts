import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderedFigure } from '../../src/analyze/rules/rendered-figure.js';
import { added, context } from './generated-context.js';

/** A PNG of the given chunks, each `[type, data]`, with any CRC (the rule reads the layout, not the checksums). */
function png(chunks: Array<[string, Buffer | string]>, after = Buffer.alloc(0)): Buffer {
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [type, data] of chunks) {
    const body = Buffer.from(data);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    parts.push(head, body, Buffer.alloc(4));
  }
  return Buffer.concat([...parts, after]);
}
const image: Array<[string, Buffer | string]> = [
  ['IHDR', Buffer.alloc(13)],
  ['tEXt', 'Software\0fig2dev'],
  ['IDAT', Buffer.alloc(64, 7)],
  ['IEND', ''],
];
const pdf = '%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n';

// libgcrypt 1.11.0's doc/Makefile.am, in part.
const makefile = `EXTRA_DIST = README.apichanges HACKING DCO \\\n\t     libgcrypt-modules.png fips-fsm.png \\\n             libgcrypt-modules.pdf fips-fsm.pdf\n\n.fig.png:\n\tfig2dev -L png \`test -f '$<' || echo '$(srcdir)/'\`$< $@\n\n.fig.pdf:\n\tfig2dev -L pdf $< $@\n`;
const ctx = (extra: Record<string, string> = {}) => context({ 'doc/Makefile.am': makefile, 'doc/libgcrypt-modules.fig': '#FIG 3.2\n', 'doc/fips-fsm.fig': '#FIG 3.2\n', ...extra });

test('figures a build file beside them renders from their drawing in the tag are explained (libgcrypt 1.11.0, GnuPG 2.2.40)', async () => {
  const j = await renderedFigure.judge(added('doc/libgcrypt-modules.png', png(image)), ctx());
  assert.is(j?.category, 'rendered-figure');
  assert.is(j?.severity, 'low');
  assert.is(j!.reasons[0], 'a PNG figure rendered from doc/libgcrypt-modules.fig, in the tag beside it');
  assert.is(j!.reasons[1], 'doc/Makefile.am names it, with the rule that makes a .png from a .fig');
  assert.is((await renderedFigure.judge(added('doc/fips-fsm.pdf', pdf), ctx()))?.category, 'rendered-figure');
  // From an SVG (GnuPG's gnupg-module-overview), and a rule of the figure itself.
  const svgRules = context({ 'doc/Makefile.am': 'EXTRA_DIST = overview.pdf arch.png\n.svg.pdf:\n\tconvert $< $@\narch.png: arch.dot\n\tdot -Tpng arch.dot > $@\n', 'doc/overview.svg': '<svg/>', 'doc/arch.dot': 'digraph {}' });
  assert.is((await renderedFigure.judge(added('doc/overview.pdf', pdf), svgRules))?.category, 'rendered-figure');
  assert.is((await renderedFigure.judge(added('doc/arch.png', png(image)), svgRules))?.category, 'rendered-figure');
});

test('a figure is not explained without its drawing, a build file that makes it, or the shape of an image with nothing riding along', async () => {
  const refused: Array<[string, string | Buffer, ReturnType<typeof ctx>]> = [
    // No drawing of that name beside it; a build file that does not name it; one with no rule from a drawing.
    ['doc/overview.png', png(image), ctx()],
    ['doc/libgcrypt-modules.png', png(image), ctx({ 'doc/Makefile.am': '.fig.png:\n\tfig2dev -L png $< $@\n' })],
    ['doc/libgcrypt-modules.png', png(image), ctx({ 'doc/Makefile.am': 'EXTRA_DIST = libgcrypt-modules.png\n' })],
    // Data after the image's end, a chunk no image has, more text than a title and a date.
    ['doc/libgcrypt-modules.png', png(image, Buffer.from('\nxz payload')), ctx()],
    ['doc/libgcrypt-modules.png', png([...image.slice(0, 3), ['xzPL', Buffer.alloc(32)], ['IEND', '']]), ctx()],
    ['doc/libgcrypt-modules.png', png([['IHDR', Buffer.alloc(13)], ['zTXt', Buffer.alloc(5000, 65)], ['IEND', '']]), ctx()],
    ['doc/libgcrypt-modules.png', png(image).subarray(0, 40), ctx()],
    // A PDF that acts when opened, or hides what it holds in object streams; another format under the name.
    ['doc/fips-fsm.pdf', `${pdf}<< /S /JavaScript /JS (app.alert(1)) >>\n`, ctx()],
    ['doc/fips-fsm.pdf', `${pdf}3 0 obj << /Type /ObjStm /N 4 >> stream\n`, ctx()],
    ['doc/fips-fsm.pdf', `${pdf}4 0 obj << /Type /Page /AA << /O << /S /URI /URI (https://example.org/seen) >> >> >> endobj\n`, ctx()],
    ['doc/fips-fsm.pdf', png(image), ctx()],
    ['doc/fips-fsm.png', pdf, ctx()],
  ];
  for (const [path, content, c] of refused) assert.is(await renderedFigure.judge(added(path, content), c), undefined, `${path}: ${String(content).slice(0, 60)}`);
  // An SVG that runs a script.
  const svg = context({ 'doc/Makefile.am': 'EXTRA_DIST = a.svg\n.dot.svg:\n\tdot -Tsvg $< > $@\n', 'doc/a.dot': 'digraph {}' });
  assert.is((await renderedFigure.judge(added('doc/a.svg', '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'), svg))?.category, 'rendered-figure');
  assert.is(await renderedFigure.judge(added('doc/a.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch(1)</script></svg>'), svg), undefined);
  assert.is(await renderedFigure.judge(added('doc/a.svg', '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe src="https://example.org/"/></foreignObject></svg>'), svg), undefined);
});

test.run();
