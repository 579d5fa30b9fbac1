/** One attempt a pool holds: the id, the attempt number it claimed (its fencing token) and the type. */
export interface AttemptRef {
  readonly id: string;
  readonly attempt: number;
  readonly type: string;
}

/** The distinct types of some attempts or jobs, in first-seen order, for the key layout. */
export function typesOf(items: readonly { readonly type: string }[]): string[] {
  // One item (every awaited schedule) needs no set.
  return items.length === 1 ? [items[0]!.type] : [...new Set(items.map((item) => item.type))];
}
