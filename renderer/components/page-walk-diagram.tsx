// The page-table walk of one address as a diagram (SVG): CR3 points at the PGD table, each level's index picks
// one of its table's 512 entries, which points at the next table (or, at the last level, the page), and the
// offset picks the byte in the page. Data: a TranslationReport (shared/mm/translate.ts).
import { formatPageSize, type TranslationReport, type WalkStep } from '../../shared/mm/translate.js';

const COL = 170;
const LEFT = 14;
const TOP = 44;
const TW = 104;
const TH = 200;
const ENTRIES = 512;

function describeCoverage(bytes: number): string {
  const units: [string, number][] = [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]];
  for (const [unit, size] of units) if (bytes >= size) return `${bytes / size} ${unit}`;
  return `${bytes} B`;
}

/** y of a slot in a table drawn TH high: fraction of the way down, kept inside the box. */
function slotY(fraction: number): number {
  return TOP + Math.min(TH - 4, Math.max(0, fraction * TH));
}

function Arrow({ x1, y1, x2, y2, cls }: { x1: number; y1: number; x2: number; y2: number; cls: string }) {
  const mid = (x1 + x2) / 2;
  return <path className={`walk-arrow ${cls}`} d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 6} ${y2}`} markerEnd="url(#walk-arrowhead)" />;
}

function TableColumn({ step, i, last }: { step: WalkStep; i: number; last: boolean }) {
  const x = LEFT + i * COL;
  const y = slotY(step.index / ENTRIES);
  const labelBelow = y < TOP + 16;
  return (
    <g className={`lvl-${step.level}`} data-testid={`walk-level-${step.level}`}>
      <text className="walk-head" x={x + TW / 2} y={TOP - 10} textAnchor="middle">
        {step.level} table
      </text>
      <rect className="walk-table" x={x} y={TOP} width={TW} height={TH} rx={3} />
      <rect className="walk-entry" x={x} y={y} width={TW} height={4} />
      <text className="walk-entry-label" x={x + TW / 2} y={labelBelow ? y + 16 : y - 5} textAnchor="middle">
        entry {step.index}
      </text>
      <text className="walk-note" x={x} y={TOP + TH + 8}>
        <tspan className="walk-level" x={x} dy="1em">
          {step.level} index {step.index}
        </tspan>
        <tspan x={x} dy="1.35em">
          bits {step.highBit}–{step.lowBit}
        </tspan>
        <tspan x={x} dy="1.35em">
          entry at +0x{step.entryOffsetBytes.toString(16)}
        </tspan>
        <tspan x={x} dy="1.35em">
          each maps {describeCoverage(step.entryCoversBytes)}
        </tspan>
        <tspan className={last ? 'walk-level' : ''} x={x} dy="1.35em">
          → {step.selects}
        </tspan>
      </text>
    </g>
  );
}

/** The walk, CR3 to the byte. */
export function PageWalkDiagram({ report }: { report: TranslationReport }) {
  const steps = report.walk;
  const pageCol = steps.length + 1;
  const pageX = LEFT + pageCol * COL;
  const width = pageX + COL;
  const height = TOP + TH + 96;
  const offsetY = slotY(report.offsetBytes / report.pageSizeBytes);
  const p = report.pagemap;
  const state = p.present ? 'present' : p.swapped ? 'swapped' : 'absent';
  const pfnLine = report.pfn !== null ? `PFN 0x${report.pfn.toString(16)}` : p.present ? 'PFN: needs root' : p.swapped ? `swap ${p.swapType ?? '?'}:${p.swapOffset ?? '?'}` : 'no frame';
  return (
    <svg
      className="walk-diagram"
      viewBox={`0 0 ${width} ${height}`}
      style={{ maxWidth: `${Math.round(width * 1.2)}px` }}
      role="img"
      aria-label={`page-table walk of ${report.address}: ${steps.map((s) => `${s.level} entry ${s.index}`).join(', ')}, then offset ${report.offsetBytes} in a ${formatPageSize(report.pageSizeBytes)} page`}
      data-testid="walk-diagram"
    >
      <defs>
        <marker id="walk-arrowhead" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path className="walk-arrowhead" d="M 0 0 L 10 5 L 0 10 z" />
        </marker>
      </defs>
      <g className="lvl-cr3">
        <text className="walk-head" x={LEFT + TW / 2} y={TOP - 10} textAnchor="middle">
          CR3
        </text>
        <rect className="walk-table walk-cr3" x={LEFT} y={TOP} width={TW} height={34} rx={3} />
        <text className="walk-entry-label" x={LEFT + TW / 2} y={TOP + 21} textAnchor="middle">
          pid {report.pid}
        </text>
        <text className="walk-note" x={LEFT} y={TOP + 44}>
          <tspan x={LEFT} dy="1em">
            the CPU register holding
          </tspan>
          <tspan x={LEFT} dy="1.35em">
            this process's PGD
          </tspan>
          <tspan x={LEFT} dy="1.35em">
            table (physical address,
          </tspan>
          <tspan x={LEFT} dy="1.35em">
            set at context switch)
          </tspan>
        </text>
      </g>
      <Arrow x1={LEFT + TW} y1={TOP + 17} x2={LEFT + COL} y2={TOP + 2} cls="lvl-cr3" />
      {steps.map((s, i) => (
        <TableColumn key={s.level} step={s} i={i + 1} last={i === steps.length - 1} />
      ))}
      {steps.map((s, i) => {
        const x = LEFT + (i + 1) * COL + TW;
        const y = slotY(s.index / ENTRIES) + 2;
        return <Arrow key={s.level} x1={x} y1={y} x2={LEFT + (i + 2) * COL} y2={TOP + 2} cls={`lvl-${s.level}`} />;
      })}
      <g className={`lvl-offset walk-page-${state}`} data-testid="walk-page">
        <text className="walk-head" x={pageX + TW / 2} y={TOP - 10} textAnchor="middle">
          {formatPageSize(report.pageSizeBytes)} page
        </text>
        <rect className="walk-table walk-page" x={pageX} y={TOP} width={TW} height={TH} rx={3} />
        <rect className="walk-entry" x={pageX} y={offsetY} width={TW} height={4} />
        <text className="walk-entry-label" x={pageX + TW / 2} y={offsetY < TOP + 16 ? offsetY + 16 : offsetY - 5} textAnchor="middle">
          byte 0x{report.offsetBytes.toString(16)}
        </text>
        <text className="walk-note" x={pageX} y={TOP + TH + 8}>
          <tspan className="walk-level" x={pageX} dy="1em">
            {state === 'present' ? 'present in RAM' : state === 'swapped' ? 'swapped out' : 'not present'}
          </tspan>
          <tspan x={pageX} dy="1.35em">
            starts at {report.pageStart}
          </tspan>
          <tspan x={pageX} dy="1.35em">
            offset bits {report.offsetHighBit}–0
          </tspan>
          <tspan x={pageX} dy="1.35em">
            {pfnLine}
          </tspan>
          {report.physicalAddress !== null ? (
            <tspan x={pageX} dy="1.35em">
              phys 0x{report.physicalAddress}
            </tspan>
          ) : null}
        </text>
      </g>
    </svg>
  );
}
