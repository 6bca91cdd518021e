// Keeping a derived object the same while its value holds, written once: React.memo, useMemo dependencies and
// recharts' axis props compare by reference, so a recomputed but equal value must not look new.
import { useRef } from 'react';

/** value, or the one returned last time when isEqual(last, value): equal values keep the first object. */
export function useSameValue<T>(value: T, isEqual: (held: T, fresh: T) => boolean): T {
  const last = useRef(value);
  if (last.current !== value && !isEqual(last.current, value)) last.current = value;
  return last.current;
}

/** Whether two arrays hold the same items (===) in the same order: numbers, or objects kept by identity. */
export function isSameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
