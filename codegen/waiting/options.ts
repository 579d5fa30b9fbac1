/** What `jobs-gen verify` and `jobs-gen migrate` are given, and where their output goes. */

export interface WaitingOptions {
  /** The new build: its contract and lock, as absolute paths. */
  readonly schema: string;
  readonly lock: string;
  readonly redis: string;
  readonly namespace: string;
  readonly prefix: string;
  readonly json: boolean;
  /** Example job ids per rejection group. */
  readonly examples: number;
  /** Records per read of the scan (HSCAN COUNT). */
  readonly batch?: number;
}

/** Lines of output: stdout for the report, stderr for problems (a test passes its own). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/** The exit codes of both commands (their --help and docs/contract-evolution.md). */
export const WaitingExit = { ok: 0, rejected: 1, usage: 2 } as const;
