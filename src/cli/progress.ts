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
