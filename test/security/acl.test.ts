import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { JobNotFoundError, RedisCommandError } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { jobType, useRedis } from "../support/setup.js";

// The least-privilege ACL line a user copies from the docs, created verbatim (its PASSWORD replaced)
// and used for everything a producer and a pool do, at volume: the docs cannot drift from what the
// library sends.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** README.md and every Markdown file under docs/, relative to the repository root. */
function docFiles(): string[] {
  const files = ["README.md"];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) files.push(path);
    }
  };
  if (existsSync(join(ROOT, "docs"))) walk("docs");
  return files;
}

/** Every line inside a fenced code block that starts `ACL SETUSER`, with the file it is in. */
function fencedAclLines(): { file: string; line: string }[] {
  const found: { file: string; line: string }[] = [];
  for (const file of docFiles()) {
    let fenced = false;
    for (const line of readFileSync(join(ROOT, file), "utf8").split("\n")) {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      else if (fenced && /^\s*ACL SETUSER\s/i.test(line)) found.push({ file: relative(ROOT, join(ROOT, file)), line: line.trim() });
    }
  }
  return found;
}

/** The one documented ACL line; it fails when the docs hold none, or two that differ. */
function documentedAclLine(): string {
  const found = fencedAclLines();
  if (found.length === 0) throw new Error("no fenced `ACL SETUSER` line in README.md or docs/**/*.md");
  const distinct = new Set(found.map((f) => f.line));
  if (distinct.size > 1) throw new Error(`the docs give ${distinct.size} different ACL lines:\n${found.map((f) => `  ${f.file}: ${f.line}`).join("\n")}`);
  return found[0]!.line;
}

type M = { mail: { to: string }; slow: { ms: number } };
const types = {
  mail: jobType<{ to: string }>("mail", (v) => typeof (v as { to?: unknown })?.to === "string", { retries: 1, backoff: "none" }),
  slow: jobType<{ ms: number }>("slow", () => true),
};

describe("the Redis user of the documented least-privilege ACL line", () => {
  const { server, bundle } = useRedis();
  const password = randomBytes(16).toString("hex");
  let user = "";

  /** Creates the documented user verbatim (only its PASSWORD replaced) and returns the URL to connect as it. */
  const asDocumentedUser = (): { redis: string } => {
    const words = documentedAclLine().split(/\s+/);
    expect(words.slice(0, 2).map((w) => w.toUpperCase())).toEqual(["ACL", "SETUSER"]);
    expect(words.filter((w) => w === ">PASSWORD")).toHaveLength(1);
    user = words[2]!;
    expect(server().cli(...words.map((w) => (w === ">PASSWORD" ? `>${password}` : w)))).toBe("OK");
    server().cli("ACL", "LOG", "RESET");
    return { redis: `redis://${user}:${password}@127.0.0.1:${server().port}` };
  };
  /** Commands Redis refused, from ACL LOG; CLIENT SETINFO (Redis 7.2+, sent on connect) ioredis lets fail. */
  const denials = (): string[] => {
    const lines = server().cli("ACL", "LOG").split("\n");
    const objects = lines.filter((_, i) => lines[i - 1] === "object");
    return objects.filter((object) => object !== "client|setinfo");
  };

  it("schedules 200 jobs one by one and 200 in bulk, a pool runs them all, and every query, cancel, reschedule and destroy works", async () => {
    const { jobs } = bundle<M>(types, asDocumentedUser());

    // A producer before any pool: every job queues.
    const oneByOne: string[] = [];
    for (let n = 0; n < 200; n++) {
      const job = await jobs.schedule("mail", { to: `one-${n}` });
      expect(job.status).toBe("queued");
      oneByOne.push(job.id);
    }
    const bulk = await jobs.scheduleBulk("mail", Array.from({ length: 200 }, (_, n) => ({ to: `bulk-${n}` })));
    expect(bulk.map((job) => job.status)).toEqual(Array(200).fill("queued"));
    const delayed = await jobs.schedule("mail", { to: "delayed" }, { delay: "300ms" });
    const urgent = await jobs.schedule("mail", { to: "urgent" }, { priority: 5 });
    const retried = await jobs.schedule("mail", { to: "retry" });
    const tick = await jobs.scheduleRecurring("mail", { to: "tick" }, { every: "50ms" });
    const later = await jobs.schedule("mail", { to: "later" }, { delay: "1h" });
    const again = await jobs.schedule("mail", { to: "ignored" }, { id: oneByOne[7] });
    expect(again.payload).toEqual({ to: "one-7" });

    expect((await jobs.findJob(oneByOne[199]!)).status).toBe("queued");
    expect((await jobs.counts()).byType.mail).toMatchObject({ queued: 200 + 200 + 5, executing: 0 });
    expect(await jobs.running()).toBe(0);
    const queued = await jobs.listJobs("queued", { type: "mail", limit: 1000 });
    expect(new Set(queued.map((job) => job.id))).toEqual(new Set([...oneByOne, ...bulk.map((j) => j.id), delayed.id, urgent.id, retried.id, later.id, tick.id]));

    const done = new Set<string>();
    let ticks = 0;
    let failOnce = true;
    const p = jobs.createPool({
      handlers: {
        mail: ({ to }, { id }) => {
          if (to === "retry" && failOnce) {
            failOnce = false;
            throw new Error("first attempt fails");
          }
          if (to === "tick") ticks++;
          else done.add(id);
        },
        slow: (_, { signal }) => new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve())),
      },
      concurrency: 10,
      leaseTime: "5s",
      idleWait: "200ms",
    });
    const errors: Error[] = [];
    p.on("error", (e) => errors.push(e));
    await p.start();
    try {
      const all = [...oneByOne, ...bulk.map((j) => j.id), delayed.id, urgent.id, retried.id];
      await waitUntil(() => all.every((id) => done.has(id)) && ticks >= 2, 20_000, () => `ran ${done.size} of ${all.length}, ${ticks} ticks`);
      expect((await jobs.findJob(retried.id)).attempts).toBe(2);

      // With the pool idle, jobs scheduled one by one reach it straight away.
      const handed: string[] = [];
      for (let n = 0; n < 20; n++) handed.push((await jobs.schedule("mail", { to: `idle-${n}` })).id);
      await waitUntil(() => handed.every((id) => done.has(id)), 10_000, "not every job scheduled to the idle pool ran");

      const running = await jobs.schedule("slow", { ms: 0 });
      await waitUntil(async () => (await jobs.running()) >= 1);
      expect(await (await jobs.findJob(running.id)).cancel()).toBe(true);
      await waitUntil(async () => (await jobs.findJob(running.id)).status === "cancelled");

      const moved = await later.reschedule({ delay: "2h" });
      expect(moved.status).toBe("queued");
      expect(moved.runAt.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
      expect(await moved.cancel()).toBe(true);
      await moved.destroy();
      await expect(jobs.findJob(later.id)).rejects.toBeInstanceOf(JobNotFoundError);

      const counts = (await jobs.counts()).byType.mail!;
      expect(counts.finished).toBeGreaterThanOrEqual(all.length + handed.length);
      const finished = await jobs.listJobs("finished", { type: "mail", limit: 1000 });
      expect(finished.length).toBeGreaterThanOrEqual(all.length + handed.length);
      expect((await jobs.listJobs("cancelled")).map((j) => j.id)).toEqual([running.id]);

      // The operations' reads, as the same user.
      // The recurring job ticks meanwhile: stats() must agree with counts() read on both sides of it.
      await waitUntil(async () => {
        const before = (await jobs.counts()).byType.mail;
        const viaStats = (await jobs.stats()).byType.mail!.counts;
        const after = (await jobs.counts()).byType.mail;
        return isDeepStrictEqual(before, after) && isDeepStrictEqual(viaStats, before);
      }, 10_000, "stats() never agreed with counts()");
      expect((await jobs.throughput("mail", 2)).reduce((sum, point) => sum + point.finished, 0)).toBeGreaterThanOrEqual(all.length + handed.length);
      expect((await jobs.pools()).map((info) => info.id)).toEqual([p.id]);
      expect((await jobs.contracts()).map((c) => c.type).sort()).toEqual(["mail", "slow"]);
      expect((await jobs.recurring()).map((j) => j.id)).toEqual([tick.id]);
    } finally {
      await p.close();
    }
    expect(errors).toEqual([]);
    expect(denials()).toEqual([]);
  });

  it("refuses keys outside the prefix, and every other command", async () => {
    const { jobs } = bundle<M>(types, { ...asDocumentedUser(), prefix: "other:" });
    const error = await jobs.schedule("mail", { to: "a" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisCommandError);
    expect((error as Error).message).toMatch(/NOPERM|no permissions/i);
    expect(server().cli("EXISTS", "other:{" + "x}:jobs")).toBe("0");

    const raw = new Redis({ port: server().port, host: "127.0.0.1", username: user, password, maxRetriesPerRequest: 0 });
    raw.on("error", () => undefined);
    try {
      await expect(raw.set("not-a-job", "1")).rejects.toThrow(/NOPERM/);
      await expect(raw.hget("tj-not-prefixed", "x")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("KEYS", "*")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("FLUSHALL")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("CONFIG", "GET", "*")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("PUBLISH", "chan", "x")).rejects.toThrow(/NOPERM/);
      // A script may not reach outside the prefix either: ACLs apply to keys a script touches.
      await expect(raw.eval("return redis.call('GET', KEYS[1])", 1, "secret")).rejects.toThrow(/NOPERM|No permissions/i);
    } finally {
      raw.disconnect();
    }
  });
});
