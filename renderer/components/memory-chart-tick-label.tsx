// An axis tick's label as recharts' Text draws a one-line label (same element, classes and offset), for recharts' own
// axes (their tick renderer) and for the axes drawn without recharts alike, so both pictures put it in the same place.
import type { ReactElement, SVGProps } from 'react';

type TextProps = SVGProps<SVGTextElement>;

/** recharts Text's offset of a one-line label per vertical anchor (cap height 0.71em). */
const TICK_LABEL_DY = { start: '0.71em', middle: '0.355em', end: '0em' } as const;

/** Where a label's text sits vertically against its y. */
export type TickLabelVerticalAnchor = keyof typeof TICK_LABEL_DY;

/** A tick label at (x, y): its text anchored at x as textAnchor says, at y as verticalAnchor says. */
export function drawTickLabel(x: TextProps['x'], y: TextProps['y'], fill: string, textAnchor: TextProps['textAnchor'], verticalAnchor: TickLabelVerticalAnchor, text: string): ReactElement {
  return (
    <text x={x} y={y} fill={fill} fontSize={11} textAnchor={textAnchor} className="recharts-text recharts-cartesian-axis-tick-value">
      <tspan x={x} dy={TICK_LABEL_DY[verticalAnchor]}>
        {text}
      </tspan>
    </text>
  );
}
