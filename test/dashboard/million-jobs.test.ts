/// <reference lib="dom" />
/**
 * A million failed jobs of one type: the dashboard's pages read what they show, never the whole
 * status. Checked by the commands Redis receives (MONITOR), not by timing.
 */
import { describe, expect, it } from "vitest";
import { seedEnded } from "../ops/seed-ended.js";
import { useBrowser } from "./browser.js";
import { invoice, useDashboard } from "./dashboard-fixture.js";

const MILLION = 1_000_000;

/** Every command Redis receives while `run` runs, as argument lists. */
async function commandsDuring(server: ReturnType<ReturnType<typeof useDashboard>["server"]>, run: () => Promise<void>): Promise<string[][]> {
  const client = server.client();
  const monitor = await client.monitor();
  const seen: string[][] = [];
  monitor.on("monitor", (_time: string, args: string[]) => seen.push(args));
  try {
    await run();
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
  return seen;
}

/** Entries a range command asks for; Infinity for an unbounded one. */
function rangeSize(args: string[]): number {
  const [name, , start, stop] = args;
  if (!/^(zrange|lrange|zrevrange)$/i.test(name!)) return 0;
  return Number(stop) < 0 ? Infinity : Number(stop) - Number(start) + 1;
}

describe("the dashboard over a million jobs in one status", { timeout: 120_000 }, () => {
  const browser = useBrowser();
  const dash = useDashboard();

  it("the overview, the first and the last page of a million failed jobs each read a page, never the status", async () => {
    const { dashboard, namespace, jobs } = await dash.namespace();
    // The runtime publishes its contract when it first connects: the filter checks its path against it.
    await jobs.schedule("chargeInvoice", invoice(1), { delay: "1h" });
    const raw = dash.server().client();
    await seedEnded(raw, namespace, "chargeInvoice", "failed", "f", MILLION, Date.now() - 60_000);
    await raw.sadd(`tj:{${namespace}}:types`, "chargeInvoice");
    raw.disconnect();
    const bearer = { authorization: `Bearer ${dashboard.token}` };

    const commands = await commandsDuring(dash.server(), async () => {
      const overview = (await (await fetch(`${dashboard.url}api/overview`, { headers: bearer })).json()) as { stats: { byType: Record<string, { counts: { failed: number } }> } };
      expect(overview.stats.byType.chargeInvoice!.counts.failed).toBe(MILLION);
      const last = (await (await fetch(`${dashboard.url}api/jobs?status=failed&type=chargeInvoice&offset=${MILLION - 50}&limit=50`, { headers: bearer })).json()) as { total: number; jobs: { id: string }[]; nextOffset: number | null };
      expect(last.total).toBe(MILLION);
      expect(last.jobs).toHaveLength(50);
      expect(last.nextOffset).toBeNull();
      const filtered = (await (await fetch(`${dashboard.url}api/jobs?status=failed&type=chargeInvoice&limit=50&where=${encodeURIComponent(JSON.stringify({ "amount.currency": "USD" }))}`, { headers: bearer })).json()) as { scanned: number; nextOffset: number | null };
      // No seeded payload has the field: the scan stops at its bound and says where to go on.
      expect(filtered.scanned).toBeLessThanOrEqual(5500);
      expect(filtered.nextOffset).toBe(filtered.scanned);
      const rejected = await fetch(`${dashboard.url}api/rejected?type=chargeInvoice`, { headers: bearer });
      expect(rejected.status).toBe(200);
    });
    // The namespace's live pools are read whole (a handful); every job key is read by the page.
    const biggest = Math.max(...commands.filter((c) => !/:pools$/.test(c[1] ?? "")).map(rangeSize));
    expect(biggest).toBeLessThanOrEqual(500);
    expect(commands.filter((c) => /^(keys|scan|hgetall|hkeys|hvals|smembers)$/i.test(c[0]!) && !/:(types|paused|contracts|poolinfo)$/.test(c[1] ?? ""))).toEqual([]);
    expect(commands.filter((c) => /^hmget$/i.test(c[0]!)).every((c) => c.length - 2 <= 500)).toBe(true);

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/jobs?status=failed&type=chargeInvoice&offset=${MILLION - 50}`);
    await page.waitForSelector("table.jobs tbody tr");
    expect(await page.locator("table.jobs tbody tr").count()).toBe(50);
    expect(await page.textContent(".summary")).toBe("999,951–1,000,000 of 1,000,000");
    await browser.screenshot(page, "million-last-page");
  });
});
