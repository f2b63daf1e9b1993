/** A count with its word: `1 file`, `2 files`, or the plural given (`3 entries`). */
export const plural = (n: number, word: string, words = `${word}s`): string => `${n} ${n === 1 ? word : words}`;
