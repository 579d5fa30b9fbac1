import { describe, expect, it } from "vitest";
import { decodePoolInfo, poolInfoEncoder } from "../../src/redis/pool-info.js";

// The description a pool publishes with each heartbeat: encoded once, only `running` appended per beat.

describe("poolInfoEncoder", () => {
  const fixed = { host: "worker-\"7\"", pid: 4242, types: ["alpha", "béta"], concurrency: 8, startedAt: 1_750_000_000_123, leaseMs: 30_000 };

  it("gives JSON that decodes to the description with the running count of each beat", () => {
    const encode = poolInfoEncoder(fixed);
    for (const running of [0, 3, 8]) {
      expect(JSON.parse(encode(running))).toEqual({ ...fixed, running });
      expect(decodePoolInfo(encode(running))).toEqual({ ...fixed, running });
    }
  });
});
