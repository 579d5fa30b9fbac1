/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * An open dashboard page through a Redis restart: it says it cannot reach Redis while Redis is down,
 * and recovers by itself when Redis is back, with changes pushed again.
 */
import { describe, expect, it } from "vitest";
import { useBrowser } from "./browser.js";
import { useDashboard, welcome } from "./dashboard-fixture.js";

describe("the dashboard through a Redis restart", { timeout: 60_000 }, () => {
  const browser = useBrowser();
  const dash = useDashboard();

  it("says when it cannot reach Redis and recovers after the restart without a reload", async () => {
    const { jobs, dashboard } = await dash.namespace();
    await jobs.schedule("welcomeEmail", welcome(1));
    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.waitForFunction(() => document.querySelector('tr[data-type="welcomeEmail"] td[data-status="queued"]')?.textContent === "1");
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    await dash.server().kill();
    await page.waitForSelector("#connection:not([hidden])", { timeout: 15_000 });
    expect(await page.textContent("#connection")).toContain("Cannot reach Redis");
    await browser.screenshot(page, "redis-down");

    await dash.server().restart();
    await page.waitForSelector("#connection", { state: "hidden", timeout: 15_000 });
    // The restarted Redis kept nothing (no persistence here): what the page shows now is read afresh.
    await jobs.scheduleBulk("welcomeEmail", [2, 3].map(welcome));
    await page.waitForFunction(() => document.querySelector('tr[data-type="welcomeEmail"] td[data-status="queued"]')?.textContent === "2", undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(1);
    await browser.screenshot(page, "redis-back");
  });
});
