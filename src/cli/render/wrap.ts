// ANSI colour sequences take no room on the screen.
const ansi = /\x1b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ansi, '').length;
}

/**
 * Wrap one terminal line at spaces so it fits `width`, continuing two columns
 * past its own indent, or under the value of a `label   value` header line. A
 * single word longer than the line (a long path) is left whole: cutting it
 * would misquote it.
 */
export function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const plain = line.replace(ansi, '');
  // A header line (`tag      v1.0 → …`) continues under its value.
  const label = /^[A-Za-z]+ {2,}/.exec(plain);
  const indent = label ? label[0].length : /^ */.exec(plain)![0].length + 2;
  const words = line.trimStart().split(' ');
  const lines: string[] = [];
  let current = line.slice(0, line.length - line.trimStart().length);
  let empty = true;
  for (const word of words) {
    if (!empty && visibleLength(current) + 1 + visibleLength(word) > width) {
      lines.push(current.trimEnd());
      current = ' '.repeat(indent) + word;
    } else {
      current += empty ? word : ` ${word}`;
    }
    empty = false;
  }
  lines.push(current);
  return lines;
}

/** Cut a line to the terminal width, so code never wraps into the next line's place. */
export function fit(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, Math.max(10, width - 1))}…` : line;
}

/** Wrap words after a fixed-width label, continuing under the first word. */
export function wrapWords(label: string, words: string[], width: number): string[] {
  const lines: string[] = [];
  let line = label;
  for (const word of words) {
    if (line.length > label.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(label.length) + word;
    } else {
      line += line.length > label.length ? ` ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}
