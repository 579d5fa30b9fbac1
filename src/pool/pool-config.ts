import { InvalidOptionError } from "../errors.js";
import { toMilliseconds } from "../options/duration.js";
import type { PoolTuning } from "./pool-api.js";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";

/** PoolTuning with every default applied and every value checked. */
export interface PoolConfig {
  readonly id: string;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly idleWaitMs: number;
  readonly closeGraceMs: number;
  readonly reapMs: number;
  readonly maxLeaseRecoveries: number;
  readonly claimAhead: boolean;
  readonly throughput: boolean;
  readonly waitForRedis: boolean;
  /** A job claimed ahead that has not started within this is handed back (well inside its lease). */
  readonly holdLimitMs: number;
  /** How long a job this pool defers (an identity its build does not know) waits before rejection. */
  readonly unknownContractDeadlineMs: number;
}

const HOLD_LIMIT_MS = 50;

const OP = "createPool";

export function poolConfig(tuning: PoolTuning): PoolConfig {
  const concurrency = positiveInt(tuning.concurrency ?? 10, "concurrency");
  const leaseMs = toMilliseconds(tuning.leaseTime ?? "30s", "leaseTime", OP);
  if (leaseMs < 100) throw new InvalidOptionError(OP, "leaseTime", `must be at least 100 ms, got ${leaseMs}`);
  const heartbeatMs = toMilliseconds(tuning.heartbeatInterval ?? Math.floor(leaseMs / 3), "heartbeatInterval", OP);
  if (heartbeatMs <= 0 || heartbeatMs >= leaseMs) {
    throw new InvalidOptionError(OP, "heartbeatInterval", `must be between 0 and leaseTime (${leaseMs} ms), got ${heartbeatMs}`);
  }
  return {
    id: tuning.id ?? `${hostname()}:${process.pid}:${randomBytes(6).toString("hex")}`,
    concurrency,
    batchSize: positiveInt(tuning.batchSize ?? Math.ceil(concurrency / 2), "batchSize"),
    leaseMs,
    heartbeatMs,
    idleWaitMs: Math.max(1, toMilliseconds(tuning.idleWait ?? "5s", "idleWait", OP)),
    closeGraceMs: toMilliseconds(tuning.closeGracePeriod ?? "10s", "closeGracePeriod", OP),
    reapMs: Math.max(10, toMilliseconds(tuning.reapInterval ?? Math.floor(leaseMs / 2), "reapInterval", OP)),
    maxLeaseRecoveries: nonNegativeInt(tuning.maxLeaseRecoveries ?? 5, "maxLeaseRecoveries"),
    claimAhead: flag(tuning.claimAhead ?? true, "claimAhead"),
    throughput: flag(tuning.throughput ?? true, "throughput"),
    waitForRedis: flag(tuning.waitForRedis ?? false, "waitForRedis"),
    holdLimitMs: Math.min(HOLD_LIMIT_MS, Math.floor(leaseMs / 4)),
    unknownContractDeadlineMs: toMilliseconds(tuning.unknownContractDeadline ?? "24h", "unknownContractDeadline", OP),
  };
}

function positiveInt(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(OP, option, `must be a positive integer, got ${value}`);
  return value;
}

function flag(value: boolean, option: string): boolean {
  if (typeof value !== "boolean") throw new InvalidOptionError(OP, option, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function nonNegativeInt(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidOptionError(OP, option, `must be a non-negative integer, got ${value}`);
  return value;
}
