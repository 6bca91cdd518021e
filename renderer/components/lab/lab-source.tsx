// Where the Allocator lab's trace comes from (a built-in workload, or a trace file the user opens: memscope-trace 2,
// malloclab .rep or JSON) and the allocators' settings (GLIBC_TUNABLES, TCMALLOC_*), checked as they are typed.
import { useEffect, useState } from 'react';
import { parseTcmallocEnv } from '../../../shared/sim/malloc/tcmalloc/params.js';
import { WORKLOADS } from '../../../shared/sim/malloc/workloads.js';
import { checkGlibcTunables } from '../../lab/build-lab.js';
import { LAB_CURSOR_END, updateLabState, type LabSource } from '../../state/allocator-lab-store.js';

const OP_COUNTS = [200, 2000, 10000, 50000, 200000] as const;

/** Props of LabSourceBar. */
export interface LabSourceBarProps {
  source: LabSource;
  glibcTunables: string;
  tcmallocEnv: string;
}

function checkTcmallocEnv(text: string): string | null {
  try {
    parseTcmallocEnv(text);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** A settings input applied on Enter or blur, with its problem shown under it as it is typed. */
function SettingInput(props: { label: string; value: string; placeholder: string; check: (text: string) => string | null; onApply: (text: string) => void; testId: string; help: string }) {
  const { label, value, placeholder, check, onApply, testId, help } = props;
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const problem = check(text);
  const apply = () => {
    if (problem === null && text !== value) onApply(text);
  };
  return (
    <div className="setting">
      <label>
        <span className="setting-label" title={help}>
          {label}
        </span>
        <input
          type="text"
          className={`mono setting-input${problem === null ? '' : ' invalid'}`}
          value={text}
          placeholder={placeholder}
          spellCheck={false}
          aria-invalid={problem !== null}
          data-testid={testId}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply();
            if (e.key === 'Escape') setText(value);
          }}
          onBlur={apply}
        />
      </label>
      {problem !== null ? (
        <div className="setting-error" role="alert" data-testid={`${testId}-error`}>
          {problem}
        </div>
      ) : text !== value ? (
        <div className="muted setting-hint">Enter to apply</div>
      ) : null}
    </div>
  );
}

/** The source and settings bar (data-testid="lab-source"). */
export function LabSourceBar({ source, glibcTunables, tcmallocEnv }: LabSourceBarProps) {
  const workload = source.kind === 'workload' ? source : null;
  const [fileError, setFileError] = useState<string | null>(null);
  const description = workload === null ? null : (WORKLOADS.find((w) => w.name === workload.name)?.description ?? '');
  const setWorkload = (change: Partial<{ name: string; opCount: number; seed: number }>) => {
    const base = workload ?? { kind: 'workload' as const, name: 'random', opCount: 2000, seed: 1 };
    updateLabState({ source: { ...base, ...change }, playing: false, cursor: LAB_CURSOR_END });
  };
  return (
    <div className="panel lab-source" data-testid="lab-source">
      <div className="toolbar">
        <label>
          workload{' '}
          <select
            value={workload?.name ?? ''}
            onChange={(e) => setWorkload({ name: e.target.value })}
            data-testid="lab-workload"
            aria-label="built-in workload"
          >
            {workload === null ? <option value="">(trace file)</option> : null}
            {WORKLOADS.map((w) => (
              <option key={w.name} value={w.name} title={w.description}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          ops{' '}
          <select value={workload?.opCount ?? 2000} disabled={workload === null} onChange={(e) => setWorkload({ opCount: Number(e.target.value) })} data-testid="lab-op-count" aria-label="ops in the workload">
            {OP_COUNTS.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString('en-US')}
              </option>
            ))}
          </select>
        </label>
        <label>
          seed{' '}
          <input
            type="number"
            min={0}
            max={4294967295}
            value={workload?.seed ?? 1}
            disabled={workload === null}
            className="seed-input"
            data-testid="lab-seed"
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 0 && n <= 4294967295) setWorkload({ seed: n });
            }}
          />
        </label>
        <span className="muted">or</span>
        <label className="button" title="A memscope-trace 2 recording (memscope record: threads, calloc, memalign), a CMU malloclab trace (a ID SIZE / f ID / r ID SIZE lines) or the same ops as JSON">
          Open trace…
          <input
            type="file"
            accept=".rep,.json,.txt,.trace"
            className="visually-hidden"
            data-testid="lab-trace-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file === undefined) return;
              file.text().then(
                (text) => {
                  setFileError(null);
                  updateLabState({ source: { kind: 'file', fileName: file.name, text }, playing: false, cursor: LAB_CURSOR_END });
                },
                (err: unknown) => setFileError(`${file.name}: ${err instanceof Error ? err.message : String(err)}`),
              );
            }}
          />
        </label>
        {source.kind === 'file' ? <span className="mono" title="the trace file being replayed">{source.fileName}</span> : null}
      </div>
      {description !== null ? <div className="muted hint">{description}</div> : null}
      {fileError !== null ? <div className="setting-error">{fileError}</div> : null}
      <div className="settings">
        <SettingInput
          label="GLIBC_TUNABLES"
          value={glibcTunables}
          placeholder="glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=65536"
          check={(t) => checkGlibcTunables(t).error}
          onApply={(t) => updateLabState({ glibcTunables: t, playing: false })}
          testId="lab-glibc-tunables"
          help="As glibc reads the GLIBC_TUNABLES environment variable: name=value pairs separated by ':'"
        />
        <SettingInput
          label="TCMalloc"
          value={tcmallocEnv}
          placeholder="TCMALLOC_RELEASE_RATE=0:TCMALLOC_TRANSFER_NUM_OBJ=64"
          check={checkTcmallocEnv}
          onApply={(t) => updateLabState({ tcmallocEnv: t, playing: false })}
          testId="lab-tcmalloc-env"
          help="TCMALLOC_* environment variables: TCMALLOC_TRANSFER_NUM_OBJ, TCMALLOC_RELEASE_RATE, TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES, TCMALLOC_AGGRESSIVE_DECOMMIT"
        />
      </div>
    </div>
  );
}
