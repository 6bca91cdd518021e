// How numbers read in the UI: kB exactly ("12,345 kB") next to top-style human sizes ("12.1 MiB"),
// wall-clock times and durations. Sizes follow the kernel's kB (1024 bytes), see shared/units.ts.
import { formatKb } from '../shared/units.js';

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Human IEC size from kB, as top/htop scale it ("12.1 MiB"). */
export function formatHumanKb(kb: number): string {
  return formatKb(kb);
}

/** Exact kB with thousands separators ("12,345 kB"). */
export function formatExactKb(kb: number): string {
  return `${INTEGER.format(kb)} kB`;
}

/** Both: "12.1 MiB (12,345 kB)", for tooltips and detail panes. */
export function formatKbBoth(kb: number): string {
  return `${formatKb(kb)} (${formatExactKb(kb)})`;
}

/** A plain integer with separators ("1,234"). */
export function formatCount(n: number): string {
  return INTEGER.format(n);
}

/** A percentage with one decimal ("3.4%"). */
export function formatPct(pct: number): string {
  return `${ONE_DECIMAL.format(pct)}%`;
}

/** A signed kB delta ("+132 kB", "-8 kB", "0 kB"). */
export function formatDeltaKb(deltaKb: number): string {
  const sign = deltaKb > 0 ? '+' : deltaKb < 0 ? '-' : '';
  return `${sign}${INTEGER.format(Math.abs(deltaKb))} kB`;
}

/** Local wall-clock time of an epoch-ms instant ("14:03:27"). */
export function formatClock(tMs: number): string {
  const d = new Date(tMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local wall-clock time with milliseconds ("14:03:27.042"), for reads that are ms apart. */
export function formatClockMs(tMs: number): string {
  return `${formatClock(tMs)}.${String(new Date(tMs).getMilliseconds()).padStart(3, '0')}`;
}

/** Local date and time ("2025-01-31 14:03:27"). */
export function formatDateTime(tMs: number): string {
  const d = new Date(tMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(tMs)}`;
}

/** A duration in seconds as top's TIME+ reads it ("1:02.34"), hours when needed ("3:04:05"). */
export function formatCpuTime(seconds: number): string {
  const totalCs = Math.round(seconds * 100);
  const cs = totalCs % 100;
  const totalS = Math.floor(totalCs / 100);
  const s = totalS % 60;
  const m = Math.floor(totalS / 60);
  if (m >= 60) return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return `${m}:${String(s).padStart(2, '0')}.${String(cs).padStart(2, '0')}`;
}

/** An uptime-style duration ("3d 4h", "5h 12m", "42s"). */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s >= 86400) return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${s}s`;
}

/** A file-name-safe local timestamp ("20250131-140327"). */
export function formatFileTime(tMs: number): string {
  const d = new Date(tMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

const TICK_MANTISSAS = [1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500] as const;

/**
 * Round axis ticks for a kB axis from 0 to at least maxKb: steps of 1, 2, 2.5 or 5 × 10^n of one
 * IEC unit (KiB, MiB, GiB…), so labels read "0, 8 MiB, 16 MiB…" rather than "8.8 MiB, 17.6 MiB".
 */
export function niceKbTicks(maxKb: number, maxTicks = 5): number[] {
  if (!(maxKb > 0)) return [0, 1];
  for (let unit = 1; unit <= 1024 ** 5; unit *= 1024) {
    for (const m of TICK_MANTISSAS) {
      const step = m * unit;
      if (maxKb / step <= maxTicks) {
        const count = Math.max(1, Math.ceil(maxKb / step));
        return Array.from({ length: count + 1 }, (_, i) => i * step);
      }
    }
  }
  return [0, maxKb];
}

const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30].map((s) => s * 1000).concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000), [1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000));

/**
 * Round wall-clock ticks between startMs and endMs (local time: 14:00:00, 14:00:30, …), at most
 * maxTicks of them, from steps of 1 s up to 1 day.
 */
export function niceTimeTicks(startMs: number, endMs: number, maxTicks: number): number[] {
  const span = Math.max(1, endMs - startMs);
  const step = TIME_STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  // Align to local midnight's grid, so hour and day steps fall on the clock's round numbers.
  const tzMs = new Date(startMs).getTimezoneOffset() * 60_000;
  const first = Math.ceil((startMs - tzMs) / step) * step + tzMs;
  const ticks: number[] = [];
  for (let t = first; t <= endMs; t += step) ticks.push(t);
  return ticks;
}
