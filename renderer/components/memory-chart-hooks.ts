// Hooks that keep MemoryChart's recharts props the same objects while their values hold: recharts compares
// axis props such as `ticks` by reference, and a new array re-registers the axis in its store (a second render).
import { useRef } from 'react';

/** values, or the array returned last time when it holds the same numbers in the same order. */
export function useSameNumbers(values: number[]): number[] {
  const last = useRef(values);
  const prev = last.current;
  if (prev !== values && (prev.length !== values.length || prev.some((v, i) => v !== values[i]))) last.current = values;
  return last.current;
}
