/**
 * Hang detection by work, not by the clock: a pending operation has hung when
 * this process and every process under it stop using CPU for a while. A slow
 * run on a busy machine still uses CPU, so it is never taken for a hang.
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU ticks (1/100 s) used so far by the processes under this one (bwrap's
 * sandboxed generators and the decompressors included) and by those of them
 * already reaped, from /proc.
 */
function descendantTicks(): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
      // utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name.
      const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
      ticks.set(Number(name), Number(name) === process.pid ? cutime! + cstime! : utime! + stime! + cutime! + cstime!);
    } catch {
      // the process ended meanwhile
    }
  }
  const ours = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (ours(pid)) total += t;
  return total;
}

/**
 * Resolves 'stalled' once `seconds` pass, checked each second, in which
 * neither this process (less the watch's own reading of /proc) nor any
 * process under it used CPU; `stop()` ends the watch.
 */
export function stallWatch(seconds: number): { stalled: Promise<'stalled'>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const used = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  let watching = 0;
  const sample = () => {
    const before = used();
    const children = descendantTicks();
    watching += used() - before;
    return { self: used() - watching, children };
  };
  const stalled = new Promise<'stalled'>((resolve) => {
    let last = sample();
    let idle = 0;
    timer = setInterval(() => {
      const now = sample();
      // Up to 10 ms a second is an idle process's own timers and collector, not work: an idle
      // Node process on a virtual machine uses 1 to 3 ms a second, so a smaller bound would
      // take an idle pending run for a working one (and find the hang late, or never).
      const working = now.children !== last.children || now.self - last.self > 10_000;
      idle = working ? 0 : idle + 1;
      last = now;
      if (idle >= seconds) resolve('stalled');
    }, 1000);
  });
  return { stalled, stop: () => clearInterval(timer) };
}

