import type { InvalidOptionError } from "typed-jobs";

/** The error a synchronous parser throws, for assertions on its fields; fails if it throws none. */
export function catchError(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    return error as InvalidOptionError;
  }
  throw new Error("expected an error");
}
