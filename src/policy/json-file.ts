import { readFile } from 'node:fs/promises';

/** Reports a problem with the file as one line naming it; never returns. */
export type Fail = (message: string, hint?: string) => never;

/** The text of a file the user named (a policy, a baseline). */
export async function readText(file: string, fail: Fail): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    return fail(`cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path');
  }
}

/** JSON.parse with the parser's first line as the message. */
export function parseJson(text: string, fail: Fail): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return fail(`not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}
