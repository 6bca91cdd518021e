// A span: a run of contiguous TCMalloc pages (one large allocation, objects of one size class, or
// free), plus the intrusive doubly-linked span lists. Source of truth: gperftools 2.10 src/span.h
// (struct Span), span.cc (DLL_Init, DLL_Remove, DLL_Prepend, DLL_Length).

/** Span::location values, spelled as in span.h. */
export const SpanLocation = {
  IN_USE: 0,
  ON_NORMAL_FREELIST: 1,
  ON_RETURNED_FREELIST: 2,
} as const;
/** Names of SpanLocation values, indexed by code. */
export const SPAN_LOCATION_NAMES = ['IN_USE', 'ON_NORMAL_FREELIST', 'ON_RETURNED_FREELIST'] as const;

/**
 * One span. Pages are numbered from the page heap's start (page 0 = the first page sbrk gave it).
 *
 * Invariants: length ≥ 1; sizeclass = 0 unless location = IN_USE; for a span carved into objects
 * (sizeclass > 0): refcount + objects.length = objects per span, and `objects` holds distinct
 * object addresses inside the span; free list links (prev/next) are self-loops when the span is on
 * no list.
 */
export interface Span {
  /** First page. */
  start: number;
  /** Pages. */
  length: number;
  /** SpanLocation. */
  location: number;
  /** Size class of its objects, 0 for a large allocation or a free span. */
  sizeclass: number;
  /** Objects handed out of this span (to thread caches, transfer caches or the program). */
  refcount: number;
  /** Free objects still in the span, as a stack: the list's head (next to hand out) is the last element. */
  objects: number[];
  /** Next span in its list (self when on none). */
  next: Span;
  /** Previous span in its list (self when on none). */
  prev: Span;
}

/** NewSpan(): an in-use span of `length` pages at page `start`, on no list. */
export function createSpan(start: number, length: number): Span {
  const s = { start, length, location: SpanLocation.IN_USE as number, sizeclass: 0, refcount: 0, objects: [] as number[] } as Span;
  s.next = s;
  s.prev = s;
  return s;
}

/** A list head (dummy span), as DLL_Init leaves it: empty. */
export function createSpanList(): Span {
  return createSpan(-1, 0);
}

/** DLL_IsEmpty(). */
export function isSpanListEmpty(list: Span): boolean {
  return list.next === list;
}

/** DLL_Remove(): unlinks `span` from whatever list holds it. */
export function removeSpanFromList(span: Span): void {
  span.prev.next = span.next;
  span.next.prev = span.prev;
  span.prev = span;
  span.next = span;
}

/** DLL_Prepend(): links `span` right after the head (it becomes list.next). */
export function prependSpanToList(list: Span, span: Span): void {
  span.next = list.next;
  span.prev = list;
  list.next.prev = span;
  list.next = span;
}

/** DLL_Length(). */
export function countSpanList(list: Span): number {
  let n = 0;
  for (let s = list.next; s !== list; s = s.next) n++;
  return n;
}
