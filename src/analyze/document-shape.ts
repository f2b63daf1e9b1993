import { inflateSync } from 'node:zlib';
import { detectBytes, detectFormat } from '../release/detect.js';

/**
 * The shapes of documents a release ships beside their sources (pages,
 * figures, manuals), and the parts of each format that run code, which such
 * a file may not hold to be explained by its shape.
 */

/**
 * The parts of an HTML page (or an SVG image) a browser runs: a script, an
 * event handler attribute, a `javascript:` URL. A page without them is text
 * to read, whatever it says.
 */
export function runsCode(html: string): boolean {
  return /<script|<[^>]*\son\w+\s*=|javascript:/i.test(html);
}

/** Whether an SVG image holds a document of another kind, which a browser would load and run as one: HTML in a foreignObject, a frame, an embed. */
export function svgEmbeds(svg: string): boolean {
  return /<(?:foreignObject|iframe|embed|object)\b/i.test(svg);
}

/** Whether the text reads as an HTML page: an `<html` element near its start. */
export function looksLikeHtml(text: string): boolean {
  return /<html/i.test(text.slice(0, 4096));
}

/** Distinct words of five letters or more, lower-cased: what a rendering keeps of its source, whatever the markup. */
const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]{5,}/g) ?? []);

/**
 * How many of the words of a markup source (Markdown, reStructuredText,
 * AsciiDoc, …) an HTML page carries, and of how many. The source's comments
 * and reStructuredText directives (`.. include:: part.rst`) are left out:
 * a renderer drops those words, or replaces them with what they name.
 */
function sourceWordsIn(source: string, page: string): { carried: number; of: number } {
  const prose = source.replace(/<!--[\s\S]*?-->/g, ' ').replace(/^[ \t]*\.\. [\w:-]+::.*$/gm, ' ');
  const wanted = words(prose);
  const present = words(page);
  let carried = 0;
  for (const w of wanted) if (present.has(w)) carried++;
  return { carried, of: wanted.size };
}

/** Of a source's words, the share its rendering must carry; and the fewest words that say anything. */
const carriedShare = 0.9;
const fewestWords = 10;

/** sourceWordsIn's counts when the page carries nine in ten of the source's words or more, of ten or more; undefined when not. */
export function carriesSource(source: string, page: string): { carried: number; of: number } | undefined {
  const words = sourceWordsIn(source, page);
  return words.of >= fewestWords && words.carried >= carriedShare * words.of ? words : undefined;
}

/**
 * The keys of a PDF dictionary that make it act when opened or shown:
 * JavaScript (and XFA forms, which carry scripts), a launch action, an
 * embedded file or rich media, an action on opening or on a page's events,
 * a form that submits or imports data.
 */
const pdfActions = /\/(?:JavaScript|JS|XFA|Launch|EmbeddedFile|RichMedia|OpenAction|AA|SubmitForm|ImportData)\b/;
/** What a PDF pdfMayAct finds nothing to act in holds, as the reasons say it. */
export const pdfInert = 'no JavaScript, launch, embedded-file, opening, page or form action, in its objects or its object streams';
/** Most bytes all of a PDF's object streams may inflate to: past it, what they hold is not read. */
const maxInflated = 64 * 1024 * 1024;

/**
 * Whether a PDF may do something when opened (pdfActions), in its objects
 * as they stand or in the object streams that pack others compressed, as
 * pdfTeX writes them (libffi 3.4.4's doc/libffi.pdf). An object stream that
 * cannot be read here (another filter than Flate, a predictor, a damaged
 * or oversized stream) is taken as one that may.
 */
export function pdfMayAct(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  if (pdfActions.test(text)) return true;
  let inflated = 0;
  for (const m of text.matchAll(/\/Type\s*\/ObjStm\b/g)) {
    const head = text.lastIndexOf(' obj', m.index);
    const stream = text.indexOf('stream', m.index);
    if (head < 0 || stream < 0) return true;
    const dict = text.slice(head, stream);
    if (!/\/Filter\s*(?:\[\s*)?\/FlateDecode\s*\]?/.test(dict) || /\/DecodeParms/.test(dict)) return true;
    const start = stream + (text.startsWith('stream\r\n', stream) ? 8 : 7);
    const end = text.indexOf('endstream', start);
    if (end < 0) return true;
    let objects: Buffer;
    try {
      objects = inflateSync(bytes.subarray(start, end), { maxOutputLength: maxInflated - inflated });
    } catch {
      // Damaged, or more than the bound: unread.
      return true;
    }
    inflated += objects.length;
    if (pdfActions.test(objects.toString('latin1'))) return true;
  }
  return false;
}

/** The formats a figure or a manual is rendered to, as the release's format detection names them. */
const renderedFormats: Readonly<Record<string, 'PNG' | 'PDF'>> = { 'PNG image': 'PNG', 'PDF document': 'PDF' };

/** A PNG file's or a PDF's format, by its first bytes (release/detect.ts). */
export function imageFormat(bytes: Buffer): 'PNG' | 'PDF' | undefined {
  const found = detectFormat(bytes.subarray(0, detectBytes));
  return found.kind === 'unknown' ? renderedFormats[found.description] : undefined;
}

/** The chunks a PNG that a drawing tool renders has: the image, its colours, and short text. */
const pngChunks = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'bKGD', 'pHYs', 'tIME', 'tEXt', 'zTXt', 'iTXt']);
/** More text than a tool's name, a title and a date: a place to carry data. */
const pngTextBytes = 4096;

/**
 * Whether a PNG is an image and nothing else: its chunks laid end to end
 * from the signature to IEND, which ends the file, each of a kind an image
 * has, with little text. Bytes after IEND, or chunks of other kinds, are
 * where data can ride along unseen (the xz backdoor hid its payload in
 * files that looked like test data).
 */
export function pngIsImageOnly(bytes: Buffer): boolean {
  if (imageFormat(bytes) !== 'PNG') return false;
  let text = 0;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (!pngChunks.has(type) || end > bytes.length) return false;
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') text += length;
    if (text > pngTextBytes) return false;
    if (type === 'IEND') return end === bytes.length;
    at = end;
  }
  return false;
}
