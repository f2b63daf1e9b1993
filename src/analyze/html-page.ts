/**
 * What an HTML page a release ships as documentation may not hold: the parts
 * a browser runs (a script, an event handler attribute, a `javascript:`
 * URL). A page without them is text to read, whatever it says.
 */
export function runsCode(html: string): boolean {
  return /<script|<[^>]*\son\w+\s*=|javascript:/i.test(html);
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
export function sourceWordsIn(source: string, page: string): { carried: number; of: number } {
  const prose = source.replace(/<!--[\s\S]*?-->/g, ' ').replace(/^[ \t]*\.\. [\w:-]+::.*$/gm, ' ');
  const wanted = words(prose);
  const present = words(page);
  let carried = 0;
  for (const w of wanted) if (present.has(w)) carried++;
  return { carried, of: wanted.size };
}
