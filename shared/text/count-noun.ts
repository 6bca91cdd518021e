// A count and its noun for messages: "1 op", "3 ops". The nouns the messages count take a plain s.

/** `${count} ${noun}`, the noun with an s unless count is 1. */
export function countNoun(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
