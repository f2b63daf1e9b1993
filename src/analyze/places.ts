/**
 * Where a path sits in the build. The xz backdoor ran from an m4 macro during
 * `configure`; such places raise the stakes of any unexplained byte.
 */
export type BuildRole = 'build-script' | 'compiled-source';

const buildScriptNames = new Set([
  'configure',
  'configure.ac',
  'configure.in',
  'aclocal.m4',
  'makefile',
  'gnumakefile',
  'cmakelists.txt',
  'meson.build',
  'meson_options.txt',
  'meson.options',
  'setup.py',
  'setup.cfg',
  'pyproject.toml',
  'package.json',
  'build.rs',
  'cargo.toml',
  'ltmain.sh',
  'libtool',
  'install-sh',
  'missing',
  'depcomp',
  'compile',
  'config.guess',
  'config.sub',
  'config.status',
  'test-driver',
  'ar-lib',
  'ylwrap',
  'mkinstalldirs',
  'autogen.sh',
  'bootstrap',
]);

const buildScriptExtensions = ['.m4', '.ac', '.am', '.in', '.mk', '.cmake', '.sh', '.bash', '.py', '.pl', '.ninja'];
const compiledExtensions = [
  '.c', '.h', '.cc', '.cpp', '.cxx', '.hh', '.hpp', '.hxx', '.s', '.asm', '.rs', '.go', '.java', '.m', '.mm', '.swift', '.zig', '.d', '.f', '.f90', '.y', '.l',
];

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

export function buildRole(path: string): BuildRole | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (buildScriptNames.has(lower) || lower.startsWith('makefile')) return 'build-script';
  if (path.split('/').some((s) => s === 'build-aux' || s === 'm4')) return 'build-script';
  const ext = extensionOf(name);
  if (buildScriptExtensions.includes(ext)) return 'build-script';
  if (compiledExtensions.includes(ext)) return 'compiled-source';
  return undefined;
}

export const roleText: Record<BuildRole, string> = {
  'build-script': 'the build runs this file (configure, make, m4, scripts)',
  'compiled-source': 'a source file the build compiles',
};

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/** The folders a path is in, deepest first, each as a prefix: `src/x/y.h` → `src/x/`, `src/`, ``. */
export function foldersAbove(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, k) => parts.slice(0, parts.length - 1 - k).map((p) => `${p}/`).join(''));
}

/** `po/de.gmo` → `{ dir: 'po', name: 'de.gmo' }`; top-level files have dir ''. */
export function splitPath(path: string): { dir: string; name: string } {
  const slash = path.lastIndexOf('/');
  return { dir: slash === -1 ? '' : path.slice(0, slash), name: path.slice(slash + 1) };
}
