import { describe, expect, it } from "vitest";
import { decodePoolInfo, poolInfoEncoder } from "../../src/redis/pool-info.js";

// The description a pool publishes with each heartbeat: encoded once, only `running` appended per beat.

describe("poolInfoEncoder", () => {
  const fixed = { host: "worker-\"7\"", pid: 4242, types: ["alpha", "béta"], concurrency: 8, startedAt: 1_750_000_000_123, leaseMs: 30_000, identities: { alpha: ["15886a7f69bcf766", "f0750a3615ebf2cb"], "béta": [] } };

  it("gives JSON that decodes to the description with the running count of each beat", () => {
    const encode = poolInfoEncoder(fixed);
    for (const running of [0, 3, 8]) {
      expect(JSON.parse(encode(running))).toEqual({ ...fixed, running });
      expect(decodePoolInfo(encode(running))).toEqual({ ...fixed, running });
    }
  });

  it("takes a pool whose info lacks identities (an older version) to know none", () => {
    const { identities: _, ...older } = { ...fixed, running: 2 };
    expect(decodePoolInfo(JSON.stringify(older))).toEqual({ ...older, identities: {} });
  });
});
