// Name groups, after process-exporter's process_names: an ordered list of matchers (regex lists
// on comm, command line and user); a process belongs to the first group it matches, named by a
// template ("{comm}", "{user}", or a named capture of the matching regex). Also the exporter's config type.

/** Regex lists a process is tested against; an empty list matches anything, a group needs one non-empty list. */
export interface ProcessMatcher {
  /** Any of these matches comm (the kernel's 15-byte task name). */
  readonly comm: readonly RegExp[];
  /** Any of these matches the command line (arguments joined by spaces, as ps shows it). */
  readonly cmdline: readonly RegExp[];
  /** Any of these matches the user name (or the uid in decimal when it has no name). */
  readonly user: readonly RegExp[];
}

/** One name group of the config. */
export interface NameGroup extends ProcessMatcher {
  /** Template of the groupname label: literal text with {comm}, {user} and {capture} placeholders. */
  readonly name: string;
  /** Read PSS, USS and SwapPss (smaps_rollup) for this group's processes. */
  readonly smaps: boolean;
}

/** The exporter's configuration (see electron/host/metrics/metrics-config.ts for the file format). */
export interface MetricsConfig {
  /** Name groups, first match wins. Empty: one series per process (labels pid, comm, user). */
  readonly groups: readonly NameGroup[];
  /** Without groups: the processes that get PSS/USS/SwapPss (any matcher matches). */
  readonly smaps: readonly ProcessMatcher[];
  /** Seconds between background smaps_rollup refreshes. */
  readonly smapsRefreshSeconds: number;
  /** Most processes whose smaps_rollup one refresh reads (the largest by RSS first). */
  readonly smapsMaxProcesses: number;
  /** Seconds between background host-memory refreshes. */
  readonly hostRefreshSeconds: number;
}

/** No groups, no smaps: per-process series of what the sampler reads anyway. */
export const DEFAULT_METRICS_CONFIG: MetricsConfig = {
  groups: [],
  smaps: [],
  smapsRefreshSeconds: 10,
  smapsMaxProcesses: 256,
  hostRefreshSeconds: 5,
};

/** What a matcher is tested against. */
export interface ProcessIdentity {
  comm: string;
  /** Command line as the sampler shows it ("[comm]" for kernel threads). */
  command: string;
  user: string;
}

/** Where a process goes: its group's name (null: in no group) and whether its smaps_rollup is read. */
export interface Classification {
  group: string | null;
  smaps: boolean;
}

/** Placeholders every group name template may use besides named captures. */
export const BUILTIN_PLACEHOLDERS: readonly string[] = ['comm', 'user'];

/** The {placeholder} names in a template, in order. */
export function listPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? '');
}

/**
 * Tests one matcher: every non-empty list must have a regex that matches. Returns the named
 * captures of the regexes that matched (later lists override earlier on equal names), or null.
 */
export function matchProcess(matcher: ProcessMatcher, who: ProcessIdentity): Record<string, string> | null {
  const captures: Record<string, string> = {};
  const lists: [readonly RegExp[], string][] = [
    [matcher.comm, who.comm],
    [matcher.cmdline, who.command],
    [matcher.user, who.user],
  ];
  for (const [regexes, text] of lists) {
    if (regexes.length === 0) continue;
    let hit: RegExpExecArray | null = null;
    for (const re of regexes) {
      re.lastIndex = 0; // a /g or /y regex would otherwise remember the last process
      hit = re.exec(text);
      if (hit !== null) break;
    }
    if (hit === null) return null;
    for (const [k, v] of Object.entries(hit.groups ?? {})) if (v !== undefined) captures[k] = v;
  }
  return captures;
}

/** Fills a name template: {comm}, {user}, then named captures; an unmatched capture becomes "". */
export function expandGroupName(template: string, who: ProcessIdentity, captures: Record<string, string>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
    if (key === 'comm') return who.comm;
    if (key === 'user') return who.user;
    return captures[key] ?? '';
  });
}

/** True when a template has no placeholders: its group exists (with 0 processes) before any process matches. */
export function isFixedGroupName(template: string): boolean {
  return listPlaceholders(template).length === 0;
}

/** Classifies a process under a config: first matching group, or the smaps matchers when there are no groups. */
export function classifyProcess(config: MetricsConfig, who: ProcessIdentity): Classification {
  if (config.groups.length === 0) {
    return { group: null, smaps: config.smaps.some((m) => matchProcess(m, who) !== null) };
  }
  for (const group of config.groups) {
    const captures = matchProcess(group, who);
    if (captures !== null) return { group: expandGroupName(group.name, who, captures), smaps: group.smaps };
  }
  return { group: null, smaps: false };
}
