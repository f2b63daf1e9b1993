import type { Residual } from './residual.js';
import type { ToolName } from './tools.js';

/** What re-running a file's generator on the release's own inputs showed. */
export type Outcome = Reproduced | Different | NotTried;

interface Run {
  /** aclocal, autoconf, autoheader, automake. */
  generator: string;
  tool: ToolName;
  version: string;
  /** The command as run, in the project folder (relative to the release's top). */
  command: string;
  seconds: number;
  /** The result came from cuckoo's cache of earlier runs on the same inputs and tools. */
  cached: boolean;
  /** Inputs laid out with their bytes that are not the tag's files (autopoint's macros, aclocal.m4): each has its own finding. */
  untrustedInputs: string[];
}

export interface Reproduced extends Run {
  status: 'reproduced';
  /** Stabilizers that had to apply (empty: byte for byte). */
  normalisations: Array<{ name: string; forgives: string }>;
}

export interface Different extends Run {
  status: 'different';
  normalisations: Array<{ name: string; forgives: string }>;
  residual: Residual;
  /** The regenerated text, after the normalisations, to diff against. */
  regenerated: string;
  /** The release's text, after the same normalisations. */
  release: string;
}

export interface NotTried {
  status: 'not-tried';
  generator: string;
  tool: ToolName;
  version?: string;
  why: string;
  /** How to get it tried: install a version, a sandbox. */
  hint?: string;
}

/** The report's `reproduction` section. */
export interface ReproductionSummary {
  /** bwrap, none (unconfined, as asked), unavailable (nothing could run), or not-used (no generator could be tried). */
  sandbox: 'bwrap' | 'none' | 'unavailable' | 'not-used';
  /** Each tool version used, and where it came from. */
  tools: Array<{ tool: ToolName; version: string; path: string; source: string }>;
  /** Tool versions a file named that were not to be had. */
  missing: Array<{ tool: ToolName; version: string; hint: string }>;
  counts: { reproduced: number; normalised: number; different: number; notTried: number };
  seconds: number;
  notes: string[];
}
