/**
 * Another client of the benchmark's Redis, in its own process so that the measured process's event
 * loop cannot delay it: one PING every millisecond, each timed from send to reply. Driven over IPC:
 * "start" begins a sample, "take" ends it and sends the latencies back (ms).
 */
import { Redis } from "ioredis";

export type ToProbe = { kind: "start" } | { kind: "take" } | { kind: "stop" };
export type FromProbe = { kind: "ready" } | { kind: "sample"; ms: number[] };

const redis = new Redis(process.argv[2]!);
await redis.ping();
let sample: number[] | undefined;

async function loop(): Promise<void> {
  while (sample) {
    const t0 = performance.now();
    await redis.ping();
    sample?.push(performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

process.on("message", (m: ToProbe) => {
  if (m.kind === "start") {
    sample = [];
    void loop();
  } else if (m.kind === "take") {
    const ms = sample ?? [];
    sample = undefined;
    process.send!({ kind: "sample", ms } satisfies FromProbe);
  } else {
    redis.disconnect();
    process.exit(0);
  }
});
process.send!({ kind: "ready" } satisfies FromProbe);
