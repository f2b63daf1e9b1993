/** unzipper's reader of a zip's central directory (`Open.custom` is this function); @types/unzipper does not declare the module. */
declare module 'unzipper/lib/Open/directory.js' {
  import type { Readable } from 'node:stream';
  import type { CentralDirectory } from 'unzipper';
  /** The random-access source it reads: the file's size and byte ranges of it. */
  export interface Source {
    size(): Promise<number>;
    stream(offset: number, length?: number): Readable;
  }
  export default function centralDirectory(source: Source, options: { tailSize: number }): Promise<CentralDirectory>;
}
