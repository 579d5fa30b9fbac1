/** One attempt a pool holds: the id, the attempt number it claimed (its fencing token) and the type. */
export interface AttemptRef {
  readonly id: string;
  readonly attempt: number;
  readonly type: string;
}

/** The distinct types of some attempts, in first-seen order, for the key layout. */
export function typesOf(attempts: readonly { readonly type: string }[]): string[] {
  return [...new Set(attempts.map((a) => a.type))];
}
