/**
 * The few typed errors cuckoo raises. Each carries a code, a one-line message
 * that names the file or argument at fault, and a hint saying what to check.
 * The CLI maps codes to exit codes; nothing else in the core exits.
 */
export type ErrorCode =
  | 'usage' // bad arguments or flags (exit 2)
  | 'input' // unreadable or malformed release, repository, ref (exit 2)
  | 'limit' // a safety limit was reached (exit 2; the hint names the flag)
  | 'git' // git failed for a reason that is not the input's fault (exit 3)
  | 'tool' // an external tool (xz, zstd, bzip2) failed or is missing (exit 3)
  | 'network'; // download or remote failure (exit 3)

export const exitCodeFor: Record<ErrorCode, 2 | 3> = {
  usage: 2,
  input: 2,
  limit: 2,
  git: 3,
  tool: 3,
  network: 3,
};

export class CuckooError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CuckooError';
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * Re-throw with context (`reading m4/foo.m4: …`), keeping the code of a
 * CuckooError. A message that already starts with what the context names
 * (`m4/foo.m4: …`) is kept as it is, so errors name their file once.
 */
export function withContext(context: string, err: unknown): CuckooError {
  if (err instanceof CuckooError) {
    const subject = context.slice(context.indexOf(' ') + 1);
    if (err.message.startsWith(`${subject}: `)) return err;
    return new CuckooError(err.code, `${context}: ${err.message}`, { hint: err.hint, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CuckooError('input', `${context}: ${message}`, { cause: err });
}
