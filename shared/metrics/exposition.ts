// Writes the Prometheus text exposition format, version 0.0.4: HELP and TYPE lines, then one
// "name{label="value",…} value" line per sample. Source of truth: prometheus/docs
// content/docs/instrumenting/exposition_formats.md ("Text-based format") and prometheus/common expfmt.

/** The Content-Type a scrape answer in this format carries. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Metric types this exporter writes (no histograms or summaries). */
export type MetricType = 'gauge' | 'counter';

/** Label name → value, in the order they are written. */
export type Labels = Readonly<Record<string, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*). */
export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** True for a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, and not reserved "__" prefixed). */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/**
 * Escapes a label value: backslash → \\, double quote → \", line feed → \n. Every other
 * character, including any UTF-8, is written as is (the format is UTF-8).
 */
export function escapeLabelValue(value: string): string {
  // Fast path: almost every comm and user name needs no escaping.
  if (!/["\\\n]/.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Escapes HELP text: backslash → \\, line feed → \n (quotes stay as they are). */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** A sample value as Go's ParseFloat reads it back: integers exactly, NaN, +Inf, -Inf. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Formats {a="x",b="y"}, or "" for no labels. Label names must already be valid. */
export function formatLabels(labels: Labels): string {
  let out = '';
  for (const name in labels) {
    out += `${out === '' ? '{' : ','}${name}="${escapeLabelValue(labels[name] ?? '')}"`;
  }
  return out === '' ? '' : `${out}}`;
}

/**
 * Builds one exposition text. Invariants the format requires: each family's HELP and TYPE come
 * once, before its samples; all samples of a family are contiguous; no family name repeats.
 * beginFamily enforces the last one; callers write a family's samples right after beginning it.
 */
export class ExpositionWriter {
  // One growing string: V8 appends into a rope, cheaper than an array of 5,000 parts and a join.
  private text = '';
  private readonly families = new Set<string>();
  private current: string | null = null;

  /** Writes HELP and TYPE of a family; throws when the name is invalid or was begun before. */
  beginFamily(name: string, type: MetricType, help: string): void {
    if (!isMetricName(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    if (this.families.has(name)) throw new Error(`metric family ${name} written twice`);
    this.families.add(name);
    this.current = name;
    this.text += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
  }

  /** Writes one sample of the family begun last; labelText is formatLabels(…) output ("" for none). */
  writeSample(name: string, labelText: string, value: number): void {
    if (name !== this.current) throw new Error(`sample of ${name} outside its family (current: ${this.current ?? 'none'})`);
    this.text += `${name}${labelText} ${formatSampleValue(value)}\n`;
  }

  /** The whole exposition text. */
  toText(): string {
    return this.text;
  }
}
