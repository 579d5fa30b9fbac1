/**
 * `typed-jobs metrics --port`: the built CLI serves the namespace's gauges over HTTP, read from Redis
 * at each scrape, and stops cleanly on SIGTERM.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { JOB_STATUSES } from "typed-jobs";
import { METRICS } from "typed-jobs/metrics";
import { invoice, useCli } from "./cli-fixture.js";
import { parseExposition } from "../observability/prometheus-text.js";

describe("typed-jobs metrics", { timeout: 60_000 }, () => {
  const cli = useCli();

  it("serves the gauges at /metrics, equal to counts() at each scrape, and only those: the counters belong to the application", async () => {
    const { jobs, bundle } = cli.namespace();
    await jobs.scheduleBulk("chargeInvoice", [invoice(1), invoice(2)]);
    const child = spawn(process.execPath, [cli.bin(), "--redis", cli.server().url, "--namespace", bundle.namespace, "metrics", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /serving (http:\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`metrics exited with ${code} before serving`)));
    });

    const scrape = async () => parseExposition(await (await fetch(url)).text()).samples;
    let samples = await scrape();
    expect(samples.get(`${METRICS.jobs}{type="chargeInvoice",status="queued"}`)).toBe(2);
    await jobs.schedule("chargeInvoice", invoice(3), { delay: "1h" });
    samples = await scrape();
    const counts = await jobs.counts();
    for (const status of JOB_STATUSES) expect(samples.get(`${METRICS.jobs}{type="chargeInvoice",status="${status}"}`)).toBe(counts.byType.chargeInvoice![status]);
    expect(samples.get(`${METRICS.delayed}{type="chargeInvoice"}`)).toBe(1);
    expect(samples.get(METRICS.redisUp)).toBe(1);
    expect([...samples.keys()].filter((key) => key.startsWith(METRICS.processed) || key.startsWith(METRICS.scheduled))).toEqual([]);
    expect((await fetch(new URL("/other", url))).status).toBe(404);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
