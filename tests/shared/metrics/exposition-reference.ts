// A second, independent reader of the Prometheus text format (written from the spec, char by char),
// plus promtool, the format's own checker: tests read memscope's /metrics through these, never
// through shared/metrics/*.
import { spawnSync } from 'node:child_process';
import { requireOracle } from '../../helpers/oracles.js';

/** One sample line. */
export interface ReferenceSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A whole exposition: family HELP/TYPE and every sample, in order. */
export interface ReferenceExposition {
  families: Map<string, { help: string; type: string }>;
  samples: ReferenceSample[];
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const n = text[++i];
      if (n === 'n') value += '\n';
      else if (n === '\\' || n === '"') value += n;
      else throw new Error(`invalid escape \\${n ?? ''}`);
    } else {
      value += c;
    }
  }
  throw new Error('unterminated label value');
}

function readValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$/.test(text)) throw new Error(`not a sample value: ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * Reads exposition text. Throws on anything the format forbids: a sample before its family's
 * TYPE, a family's samples not contiguous, a family declared twice, a duplicate series.
 */
export function readExposition(text: string): ReferenceExposition {
  const families = new Map<string, { help: string; type: string }>();
  const samples: ReferenceSample[] = [];
  const seriesSeen = new Set<string>();
  const closed = new Set<string>();
  let current = '';
  let pendingHelp: { name: string; help: string } | null = null;
  if (!text.endsWith('\n')) throw new Error('text must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (help !== null) {
      pendingHelp = { name: help[1] ?? '', help: (help[2] ?? '').replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')) };
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type !== null) {
      const name = type[1] ?? '';
      if (families.has(name)) throw new Error(`family ${name} declared twice`);
      if (pendingHelp?.name !== name) throw new Error(`family ${name} has no HELP right before TYPE`);
      if (current !== '') closed.add(current);
      families.set(name, { help: pendingHelp.help, type: type[2] ?? '' });
      current = name;
      pendingHelp = null;
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`);
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? '';
    if (name !== current || closed.has(name)) throw new Error(`sample of ${name} outside its family block`);
    let i = name.length;
    const labels: Record<string, string> = {};
    if (line[i] === '{') {
      i++;
      while (line[i] !== '}') {
        const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0] ?? '';
        if (key === '' || line.slice(i + key.length, i + key.length + 2) !== '="') throw new Error(`bad label at ${i}: ${line}`);
        const q = readQuoted(line, i + key.length + 2);
        labels[key] = q.value;
        i = q.end;
        if (line[i] === ',') i++;
      }
      i++;
    }
    if (line[i] !== ' ') throw new Error(`no space before the value: ${line}`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seriesSeen.has(series)) throw new Error(`duplicate series ${series}`);
    seriesSeen.add(series);
    samples.push({ name, labels, value: readValue(line.slice(i + 1)) });
  }
  return { families, samples };
}

/** The samples of one metric whose labels include `match`. */
export function findSamples(exp: ReferenceExposition, name: string, match: Record<string, string> = {}): ReferenceSample[] {
  return exp.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** `promtool check metrics` on a text: exit status and what it said (empty when clean). */
export function checkWithPromtool(text: string): { status: number | null; output: string } {
  const r = spawnSync(requireOracle('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}
