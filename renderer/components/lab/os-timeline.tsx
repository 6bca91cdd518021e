// What an allocator asked of the OS, on a line over the trace's op index: brk growth and trims, mmap, munmap,
// mremap (glibc), sbrk growth and releases (TCMalloc). A cursor marks the current op; clicking jumps there.
import { useRef } from 'react';
import type { LabEvent } from '../../../shared/sim/lab/malloc-session.js';
import { useElementWidth } from '../../hooks/use-element-width.js';

/** How one event kind is drawn. */
export interface TimelineMark {
  label: string;
  color: string;
  /** 'up' ticks above the axis, 'down' below, 'dot' on it. */
  shape: 'up' | 'down' | 'dot';
}

/** Props of OsTimeline. */
export interface OsTimelineProps {
  events: readonly LabEvent[];
  /** How each shown kind is drawn; kinds without a mark are skipped. */
  marks: ReadonlyMap<number, TimelineMark>;
  opCount: number;
  /** Ops run (0 … opCount). */
  cursor: number;
  onSeek: (cursor: number) => void;
  describe: (e: LabEvent) => string;
  testId?: string;
}

const HEIGHT_PX = 44;
/** Most marks drawn (the rest are counted): keeps the SVG light on traces with thousands of mmaps. */
const MAX_MARKS = 3000;

/** The timeline (SVG); each mark has a tooltip naming the op and the event. */
export function OsTimeline({ events, marks, opCount, cursor, onSeek, describe, testId }: OsTimelineProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 600);
  const shown = events.filter((e) => marks.has(e.kind));
  const drawn = shown.slice(0, MAX_MARKS);
  const xOf = (op: number) => 4 + ((op + 0.5) / Math.max(1, opCount)) * (width - 8);
  const mid = HEIGHT_PX / 2;
  const counts = new Map<number, number>();
  for (const e of shown) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return (
    <div ref={ref} className="os-timeline" data-testid={testId} data-event-count={shown.length}>
      <svg
        width={width}
        height={HEIGHT_PX}
        role="img"
        aria-label={`${shown.length} OS calls over ${opCount} ops`}
        onClick={(e) => {
          const rect = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
          const op = Math.floor(((e.clientX - rect.left - 4) / Math.max(1, width - 8)) * opCount);
          onSeek(Math.max(0, Math.min(opCount, op + 1)));
        }}
      >
        <line x1={0} x2={width} y1={mid} y2={mid} className="timeline-axis" />
        {drawn.map((e, k) => {
          const m = marks.get(e.kind)!;
          const x = xOf(e.op);
          const title = `op ${e.op}: ${describe(e)}`;
          if (m.shape === 'dot') {
            return (
              <circle key={k} cx={x} cy={mid} r={3} fill={m.color}>
                <title>{title}</title>
              </circle>
            );
          }
          const y2 = m.shape === 'up' ? 4 : HEIGHT_PX - 4;
          return (
            <line key={k} x1={x} x2={x} y1={mid} y2={y2} stroke={m.color} strokeWidth={2}>
              <title>{title}</title>
            </line>
          );
        })}
        <line x1={xOf(cursor - 1)} x2={xOf(cursor - 1)} y1={0} y2={HEIGHT_PX} className="timeline-cursor" />
      </svg>
      <div className="legend static">
        {[...marks].map(([kind, m]) => (
          <span key={kind} className="legend-item">
            <i className="dot" style={{ background: m.color }} />
            {m.label} <span className="muted legend-count">{counts.get(kind) ?? 0}</span>
          </span>
        ))}
        {shown.length > MAX_MARKS ? <span className="muted">(first {MAX_MARKS} drawn)</span> : null}
      </div>
    </div>
  );
}
