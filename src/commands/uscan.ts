/**
 * The upstream URL of the packaged version as uscan(1) finds it, when
 * devscripts is installed: `uscan --report --dehs --download-current-version`
 * reads the watch page and downloads nothing. It is a record for the
 * manifest only (the release checked is the .orig tarball), so any failure
 * (no uscan, no network, a watch file it rejects) just leaves it out.
 */
import { execa } from 'execa';

export type UscanRunner = (dir: string) => Promise<string | undefined>;

/** `<upstream-url>` of uscan's DEHS output (the XML of --dehs). */
export function dehsUpstreamUrl(xml: string): string | undefined {
  const m = /<upstream-url>([^<]+)<\/upstream-url>/.exec(xml);
  return m ? m[1]!.trim().replace(/&amp;/g, '&') : undefined;
}

/** Runs `uscan` (the one on PATH unless `command` is given) in the package folder. */
export function uscanRunner(command = 'uscan', timeoutMs = 60_000): UscanRunner {
  return async (dir) => {
    try {
      const result = await execa(command, ['--report', '--dehs', '--download-current-version'], { cwd: dir, timeout: timeoutMs, reject: false, stdin: 'ignore' });
      return dehsUpstreamUrl(String(result.stdout));
    } catch {
      return undefined;
    }
  };
}
