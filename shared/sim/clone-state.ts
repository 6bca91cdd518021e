// A deep copy of a simulator's state (typed arrays, arrays with holes, Maps, Sets, plain objects, shared and
// cyclic references kept as such), for replay checkpoints. Pure TS: structuredClone is not part of ES2022.

/**
 * Copies value deeply. Objects reached twice are copied once, so cycles (TCMalloc's span lists) and shared
 * parts (an emitter every component holds) keep their shape. Functions are kept by reference (callers clear
 * event sinks first). Throws TypeError on class instances other than Map, Set and typed arrays, whose
 * prototypes a copy could not honour.
 */
export function cloneState<T>(value: T): T {
  const seen = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const done = seen.get(v);
    if (done !== undefined) return done;
    if (ArrayBuffer.isView(v)) {
      if (v instanceof DataView) throw new TypeError('cloneState: DataView is not supported');
      const c = (v as unknown as { slice(): unknown }).slice();
      seen.set(v, c);
      return c;
    }
    if (Array.isArray(v)) {
      const c: unknown[] = new Array<unknown>(v.length);
      seen.set(v, c);
      for (let i = 0; i < v.length; i++) if (i in v) c[i] = copy(v[i]);
      return c;
    }
    if (v instanceof Map) {
      const c = new Map<unknown, unknown>();
      seen.set(v, c);
      for (const [k, x] of v) c.set(copy(k), copy(x));
      return c;
    }
    if (v instanceof Set) {
      const c = new Set<unknown>();
      seen.set(v, c);
      for (const x of v) c.add(copy(x));
      return c;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`cloneState: cannot copy a ${String((v as { constructor?: { name?: string } }).constructor?.name)}`);
    const c: Record<string, unknown> = {};
    seen.set(v, c);
    for (const key of Object.keys(v)) c[key] = copy((v as Record<string, unknown>)[key]);
    return c;
  };
  return copy(value) as T;
}
