/**
 * A one-line download progress bar on stderr (bytes, rate, time left), redrawn
 * at most ten times a second. The CLI uses it only when stderr is a terminal
 * and --quiet is off, so logs and pipes never see it.
 */
import type { Progress } from '../release/download.js';

function size(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

export function progressBar(stream: { write(s: string): unknown; columns?: number }): { update(p: Progress): void; done(): void } {
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.received !== p.total) return;
      last = now;
      shown = true;
      const rate = p.received / Math.max(0.001, (now - start) / 1000);
      const width = 24;
      const fraction = p.total ? Math.min(1, p.received / p.total) : 0;
      const bar = p.total ? `[${'#'.repeat(Math.round(fraction * width)).padEnd(width)}] ` : '';
      const left = p.total ? `, ${duration((p.total - p.received) / Math.max(rate, 1))} left` : '';
      const of = p.total ? ` / ${size(p.total)}` : '';
      stream.write(`\r\x1b[2Kdownloading ${bar}${size(p.received)}${of} at ${size(rate)}/s${left}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}

/**
 * A one-line status on stderr for work that runs long without output (a
 * bootstrap re-run in the sandbox): what runs and for how long, redrawn each
 * second, cleared when it ends. Shown only where the progress bar would be.
 */
export function statusLine(stream: { write(s: string): unknown; columns?: number }, now: () => number = Date.now): { set(status: string | undefined): void; done(): void } {
  let shown: string | undefined;
  let since = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  // A terminal of no known width (0 under script(1)) is taken as 80 columns.
  const width = () => Math.max(20, (stream.columns || 80) - 1);
  const draw = () => {
    if (shown === undefined) return;
    // The time stays in view: a long status is cut before it.
    const time = `: ${duration((now() - since) / 1000)}`;
    const room = width() - time.length;
    stream.write(`\r\x1b[2K${shown.length > room ? `${shown.slice(0, room - 3)}...` : shown}${time}`);
  };
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (shown !== undefined) stream.write('\r\x1b[2K');
    shown = undefined;
  };
  return {
    set(status) {
      if (status === undefined) return clear();
      if (status !== shown) since = now();
      shown = status;
      draw();
      if (!timer) {
        timer = setInterval(draw, 1000);
        timer.unref();
      }
    },
    done: clear,
  };
}
