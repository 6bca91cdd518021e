// What the allocator model did for the current op (found in a bin, split, coalesced, asked the OS…), one line
// per event, worded by the model's own describe function: the glibc, glibc-threads and TCMalloc panels share it.

/** Props of OpEventList. */
export interface OpEventListProps<E> {
  events: readonly E[];
  describe: (event: E) => string;
}

/** The current op's events as a list, in the order the model emitted them. */
export function OpEventList<E>({ events, describe }: OpEventListProps<E>) {
  return (
    <ul>
      {events.map((e, k) => (
        <li key={k} className="mono">
          {describe(e)}
        </li>
      ))}
    </ul>
  );
}
