// Clicking a recharts chart at an x value: recharts hands onClick a loosely typed state whose activeLabel is the
// x value under the pointer (the data key of a numeric axis), or nothing when the click missed the data.

/** An onClick for a recharts chart that calls onX with the clicked x value, when it is a number. */
export function onChartClickX(onX: (x: number) => void): (state: unknown) => void {
  return (state) => {
    const label = (state as { activeLabel?: unknown } | null)?.activeLabel;
    if (typeof label === 'number') onX(label);
  };
}
