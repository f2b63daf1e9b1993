/** cuckoo(1) as shipped in man/cuckoo.1: the man page of this build's commands. */
import { version } from '../version.js';
import { cliTree } from './commands.js';
import { renderManPage } from './manpage.js';
import { exitCodesText } from './verify-command.js';

export function manPageText(): string {
  return renderManPage(cliTree(), version, exitCodesText);
}
