// Random edits of smaps text, of the kinds a pattern or a byte loop could misread: the smaps readers that
// take shortcuts (writeSmapsTable) are checked against parseSmaps on the results.
import type { Rng } from '../../shared/sim/rng.js';

/** One random edit of one line of smaps text (a number changed, padding, a word, a line gone or twice, a bad header, …). */
export function editSmaps(text: string, rng: Rng): string {
  const lines = text.split('\n');
  const i = rng.nextInt(0, lines.length - 1);
  const line = lines[i]!;
  const edits: (() => void)[] = [
    () => (lines[i] = line.replace(/ (\d+) kB$/, (_m, d: string) => ` ${d}${rng.nextInt(0, 10)} kB`)), // one more digit
    () => (lines[i] = line.replace(/ (\d+) kB$/, ' 12345678901234567 kB')), // past 15 digits
    () => (lines[i] = line.replace(/ (\d+) kB$/, ' 0$1 kB')), // a leading zero
    () => (lines[i] = line.replace(/ kB$/, '')), // a bare number
    () => (lines[i] = line.replace(/ kB$/, ' ')), // "N "
    () => (lines[i] = line.replace(/:\s+/, ':')), // no padding
    () => (lines[i] = line.replace(/:\s+/, ':\t')), // a tab
    () => (lines[i] = line.replace(/ (\d+) kB$/, ' x kB')), // a word
    () => lines.splice(i, 1), // a line gone
    () => lines.splice(i, 0, line), // a line twice
    () => lines.splice(i, 0, 'ProtectionKey:         0'), // a key new here
    () => (lines[i] = line.replace(/^VmFlags:.*/, `VmFlags: ${rng.nextInt(0, 100)}`)), // a word list that reads as a number
    () => (lines[i] = line.replace(/^[A-Za-z_]+/, 'Rss')), // a table key twice
    () => (lines[i] = line.replace(/^([0-9a-f]+)-([0-9a-f]+)/, '$2-$1')), // end below start
    () => (lines[i] = line.replace(/ [r-][w-][x-][ps] /, ' rwzp ')), // bad permissions
    () => (lines[i] = `${line}  `), // trailing spaces
  ];
  edits[rng.nextInt(0, edits.length)]!();
  return lines.join('\n');
}

