/**
 * The command line's setting of when V8 optimizes a function. V8 runs a
 * function in its interpreter (or as baseline code) and counts the bytecode
 * it executes; once that passes the interrupt budget, and the function looks
 * stable, it is marked and compiled by the optimizing compiler on another
 * thread. A run of cuckoo is short and each phase works briefly (the tar
 * walk, the hashes, the PO reader, the signal scan, the report), so at V8's
 * budget (66 KiB in Node 20) a run compiled 210 to 290 functions, one to two
 * seconds of the compiler's CPU on the second core, while the release
 * streams and `xz` and git need that core. At 250,000 bytes, set here, a
 * util-linux 2.38.1 run compiled 123 functions for 709 ms instead of 215 for
 * 1,272 ms (V8's --trace-opt). On the releases of `make bench-real` (5
 * interleaved runs each on 2 cores, medians of the CPU time of the process
 * and its children): xz 5.4.1 1.12 → 0.94 s, curl 7.88.1 2.57 → 2.26,
 * git 2.39.5 2.75 → 2.56, coreutils 9.1 4.81 → 4.57, expat 2.5.0 1.04 →
 * 0.99, util-linux 2.38.1 3.78 → 3.79; their times 0.1 s shorter or within the
 * runs' spread. Budgets of 500,000 and 1,000,000 gained nothing more.
 *
 * Set once the bundle is compiled (load-bundle.ts), as its code cache is
 * checked against the flags a process starts with; only the command line
 * does this, never the library: the process is its own.
 */
import { setFlagsFromString } from 'node:v8';

/** Bytes of bytecode a function executes before V8 considers optimizing it. */
export const interruptBudget = 250_000;

export function raiseInterruptBudget(budget = interruptBudget): void {
  setFlagsFromString(`--interrupt-budget=${budget}`);
}
