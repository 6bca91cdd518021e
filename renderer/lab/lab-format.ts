// How the labs (cache, TLB) write sizes and rates: exact binary units when a size is a whole number of them
// ("32 KiB"), else one decimal ("1.5 MiB"); rates as percentages with enough digits to tell tiny ones from 0.
import { formatKb } from '../../shared/units.js';
import { formatSizeBytes } from '../../shared/sim/cache/geometry.js';

/** A byte count: "32 KiB", "8 MiB", "1.5 MiB", "24 B". */
export function formatBytes(bytes: number): string {
  const exact = formatSizeBytes(bytes);
  return bytes < 1024 || !exact.endsWith(' B') ? exact : formatKb(bytes / 1024);
}

/** A fraction as a percentage: "87.5%", "0.012%", "0%". */
export function formatRate(fraction: number): string {
  if (fraction === 0 || fraction === 1) return `${fraction * 100}%`;
  if (fraction < 0.001) return `${(fraction * 100).toPrecision(2)}%`;
  return `${(fraction * 100).toFixed(fraction > 0.999 ? 3 : 1)}%`;
}
