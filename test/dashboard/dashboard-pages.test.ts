/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard in real headless Chromium against a real Redis: what the pages show, the actions
 * they take, and that changes are pushed to an open page without a reload.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import Type, { type Static } from "typebox";
import { Value } from "typebox/value";
import { createJobs, JOB_STATUSES, Sensitive, type JobType } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { seedRecord } from "../support/redis-state.js";
import { useBrowser } from "./browser.js";
import { invoice, useDashboard, welcome } from "./dashboard-fixture.js";

const Signup = Type.Object({
  user: Type.String({ description: "The account's login name" }),
  password: Sensitive(Type.String({ description: "Never shown" })),
  card: Type.Object({ last4: Type.String({ description: "Last four digits, safe to show" }), number: Sensitive(Type.String()) }),
});
/** A job type whose contract describes its fields and marks two sensitive. */
const signupType: JobType<Static<typeof Signup>> = { name: "signup", schemaHash: "signup-v1", schema: Signup, check: (v): v is Static<typeof Signup> => Value.Check(Signup, v), errors: () => [] };

/** Waits until the element's text is `expected`. */
async function textBecomes(page: Page, selector: string, expected: string, timeout = 5000): Promise<void> {
  await page.waitForFunction(([s, e]) => document.querySelector(s)?.textContent?.trim() === e, [selector, expected] as const, { timeout });
}

describe("the dashboard in Chromium", { timeout: 60_000 }, () => {
  const browser = useBrowser();
  const dash = useDashboard();

  it("the overview shows the counts Redis holds, per type and status, and the totals", async () => {
    const { jobs, pool, dashboard } = await dash.namespace();
    await jobs.scheduleBulk("welcomeEmail", [1, 2, 3, 4, 5].map(welcome));
    await jobs.schedule("welcomeEmail", welcome(6), { delay: "1h" });
    await jobs.scheduleBulk("chargeInvoice", [1, 2, 3, 4].map((n) => invoice(n)), { retries: 0 });
    await jobs.schedule("syncWebhook", { endpoint: "https://hooks.example.com/orders", event: { kind: "order.created", orderId: "9b2d3c0e-6c2a-4c1b-8f57-3a9e0d1f2b44", total: 42 }, attempt: 0, sentAt: "2026-12-04T08:00:00Z", signingSecret: "whsec_0123456789abcdef" });
    let n = 0;
    const p = pool({ concurrency: 4, handlers: { chargeInvoice: async () => { if (++n % 2 === 0) throw new Error("card declined"); }, welcomeEmail: async () => undefined, syncWebhook: async () => undefined } });
    await p.start();
    await waitUntil(async () => {
      const { total } = await jobs.counts();
      return total.finished + total.failed === 10;
    });
    await p.close();
    await jobs.scheduleBulk("chargeInvoice", [5, 6, 7].map((k) => invoice(k, "USD")));
    await jobs.pause("chargeInvoice");

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.waitForSelector('tr[data-type="chargeInvoice"] .badge-paused');
    const counts = await jobs.counts();
    for (const [type, byStatus] of Object.entries(counts.byType)) {
      for (const status of JOB_STATUSES) {
        expect(await page.textContent(`tr[data-type="${type}"] td[data-status="${status}"]`), `${type} ${status}`).toBe(String(byStatus[status]));
      }
    }
    for (const status of JOB_STATUSES) expect(await page.textContent(`.total-count[data-status="${status}"]`)).toBe(String(counts.total[status]));
    expect(page.url()).not.toContain("token=");
    // docs/dashboard.png (the README's picture) is this screenshot, refreshed on request only so a test run leaves the tree clean.
    await browser.screenshot(page, "overview", process.env.UPDATE_DOCS_SCREENSHOT ? "docs/dashboard.png" : undefined);
  });

  it("changes reach an open overview within a second, pushed: no reload", async () => {
    const { jobs, dashboard } = await dash.namespace();
    await jobs.schedule("welcomeEmail", welcome(1));
    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await textBecomes(page, 'tr[data-type="welcomeEmail"] td[data-status="queued"]', "1");
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await jobs.scheduleBulk("welcomeEmail", [2, 3].map(welcome));
    await textBecomes(page, 'tr[data-type="welcomeEmail"] td[data-status="queued"]', "3", 1000);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
  });

  it("a failed job's page shows its error; its retry button re-queues it and the page shows it finished when a pool runs it, without a reload", async () => {
    const { jobs, pool, dashboard } = await dash.namespace();
    const job = await jobs.schedule("chargeInvoice", invoice(1), { retries: 0 });
    const failing = pool({ handlers: { chargeInvoice: async () => { throw new Error("card declined by the issuer"); } } });
    await failing.start();
    await waitUntil(async () => (await jobs.findJob(job.id)).status === "failed");
    await failing.close();

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/job/${job.id}`);
    await textBecomes(page, '[data-field="status"]', "failed");
    expect(await page.textContent('[data-field="error"]')).toBe("Error: card declined by the issuer");
    expect(await page.textContent("pre.stack")).toContain("card declined by the issuer");
    expect(await page.textContent('[data-field="contract"]')).toContain("passes the newest");
    expect(await page.textContent(".payload")).toContain("INV-2026-000001");
    await browser.screenshot(page, "job-failed");

    await pool({ handlers: { chargeInvoice: async () => undefined } }).start();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    await page.click('button[data-action="retry"]');
    await textBecomes(page, '[data-field="status"]', "finished", 10_000);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
    expect((await jobs.findJob(job.id)).status).toBe("finished");
    await browser.screenshot(page, "job-retried-finished");
  });

  it("pause stops a running pool from claiming that type and resume lets it go on", async () => {
    const { jobs, pool, dashboard } = await dash.namespace();
    const ran: string[] = [];
    await pool({ concurrency: 2, handlers: { welcomeEmail: async (_payload, job) => void ran.push(job.id), chargeInvoice: async (_payload, job) => void ran.push(job.id) } }).start();
    await jobs.schedule("welcomeEmail", welcome(1));
    await waitUntil(async () => ran.length === 1);

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.click('button[aria-label="Pause welcomeEmail"]');
    await page.waitForSelector('tr[data-type="welcomeEmail"] .badge-paused');
    expect(await jobs.pausedTypes()).toEqual(["welcomeEmail"]);

    const waiting = await jobs.scheduleBulk("welcomeEmail", [2, 3, 4].map(welcome));
    // Ranked after the paused type's jobs: by the time it runs, a claim would have taken them.
    const later = await jobs.schedule("chargeInvoice", invoice(1), { priority: -100 });
    await waitUntil(async () => ran.includes(later.id));
    expect((await Promise.all(waiting.map((j) => jobs.findJob(j.id)))).map((j) => j.status)).toEqual(["queued", "queued", "queued"]);
    await textBecomes(page, 'tr[data-type="welcomeEmail"] td[data-status="queued"]', "3");
    await browser.screenshot(page, "paused");

    await page.click('button[aria-label="Resume welcomeEmail"]');
    await textBecomes(page, 'tr[data-type="welcomeEmail"] td[data-status="finished"]', "4", 10_000);
    expect(await jobs.pausedTypes()).toEqual([]);
    expect(ran).toEqual(expect.arrayContaining(waiting.map((j) => j.id)));
  });

  it("filtering by a payload field lists exactly the matching jobs", async () => {
    const { jobs, dashboard } = await dash.namespace();
    const euros = await jobs.scheduleBulk("chargeInvoice", [1, 2, 3, 4, 5, 6].map((n) => invoice(n, "EUR")));
    const dollars = await jobs.scheduleBulk("chargeInvoice", [7, 8, 9, 10].map((n) => invoice(n, "USD")));
    await jobs.scheduleBulk("chargeInvoice", [11].map((n) => invoice(n, "GBP")));

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/jobs?status=queued&type=chargeInvoice`);
    await page.waitForSelector("table.jobs tbody tr");
    expect(await page.locator("table.jobs tbody tr").count()).toBe(11);
    await page.getByLabel("Payload field").fill("amount.currency");
    await page.getByLabel("equals").fill("USD");
    await page.getByLabel("equals").press("Enter");
    await page.waitForFunction(() => document.querySelectorAll("table.jobs tbody tr").length === 4);
    const ids = await page.$$eval("table.jobs tbody tr", (rows) => rows.map((r) => r.getAttribute("data-id")));
    expect(new Set(ids)).toEqual(new Set(dollars.map((j) => j.id)));
    await browser.screenshot(page, "filtered");

    await page.getByLabel("equals").fill("EUR");
    await page.getByLabel("equals").press("Enter");
    await page.waitForFunction(() => document.querySelectorAll("table.jobs tbody tr").length === 6);
    expect(new Set(await page.$$eval("table.jobs tbody tr", (rows) => rows.map((r) => r.getAttribute("data-id"))))).toEqual(new Set(euros.map((j) => j.id)));
  });

  it("a bulk retry by type, status and payload field runs with progress shown", async () => {
    const { jobs, pool, dashboard } = await dash.namespace();
    const all = await jobs.scheduleBulk("chargeInvoice", [1, 2, 3, 4, 5].map((n) => invoice(n, n <= 3 ? "EUR" : "USD")), { retries: 0 });
    const failing = pool({ concurrency: 5, handlers: { chargeInvoice: async () => { throw new Error("down"); } } });
    await failing.start();
    await waitUntil(async () => (await jobs.counts()).byType.chargeInvoice?.failed === 5);
    await failing.close();

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/jobs?status=failed&type=chargeInvoice&where=${encodeURIComponent(JSON.stringify({ "amount.currency": "EUR" }))}`);
    await page.waitForFunction(() => document.querySelectorAll("table.jobs tbody tr").length === 3);
    await page.getByLabel("Action", { exact: true }).selectOption("retry");
    await page.click(".bulk button.danger");
    await page.click("text=Yes, run");
    await page.waitForFunction(() => document.querySelector(".bulk-progress")?.textContent?.includes("done"));
    expect(await page.textContent(".bulk-progress")).toContain("3 changed, 3 matched");
    const statuses = await Promise.all(all.map(async (j) => (await jobs.findJob(j.id)).status));
    expect(statuses).toEqual(["queued", "queued", "queued", "failed", "failed"]);
    await browser.screenshot(page, "bulk-retry");
  });

  it("a payload carrying <script>, <img onerror> and javascript: URLs renders as text and fires no dialog", async () => {
    const { jobs, pool, dashboard } = await dash.namespace();
    const hostile = {
      endpoint: "javascript:alert(1)",
      event: { kind: "order.refunded" as const, orderId: "9b2d3c0e-6c2a-4c1b-8f57-3a9e0d1f2b44", reason: "<img src=x onerror=alert(2)>" },
      attempt: 0,
      sentAt: "2026-12-04T08:00:00Z",
      headers: { "x-note": "<script>alert(3)</script>", "<img src=y onerror=alert(4)>": "javascript:alert(5)" },
    };
    const job = await jobs.schedule("syncWebhook", hostile, { retries: 0 });
    const failing = pool({ handlers: { syncWebhook: async () => { throw new Error("<script>alert(6)</script><img src=z onerror=alert(7)>"); } } });
    await failing.start();
    await waitUntil(async () => (await jobs.findJob(job.id)).status === "failed");
    await failing.close();

    const page = await browser.page();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/jobs?status=failed&type=syncWebhook`);
    await page.waitForSelector("table.jobs tbody tr");
    expect(await page.textContent("table.jobs")).toContain("<script>alert(6)</script>");
    await page.goto(`${dashboard.url}#/job/${job.id}`);
    await textBecomes(page, '[data-field="status"]', "failed");
    const main = await page.textContent("main");
    for (const text of ["javascript:alert(1)", "<img src=x onerror=alert(2)>", "<script>alert(3)</script>", "<img src=y onerror=alert(4)>", "<script>alert(6)</script><img src=z onerror=alert(7)>"]) expect(main).toContain(text);
    expect(await page.$$eval("main img, main script, main iframe", (els) => els.length)).toBe(0);
    expect(await page.$$eval("a", (links) => links.filter((a) => !a.getAttribute("href")!.startsWith("#")).length)).toBe(0);
    expect(await page.$$eval("*", (els) => els.filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length)).toBe(0);
    await browser.screenshot(page, "hostile-payload");
    expect(dialogs).toEqual([]);
  });

  it("a job page marks sensitive fields masked, shows field descriptions, and loads a payload of many MB on demand", async () => {
    const { jobs, dashboard, namespace } = await dash.namespace({}, { maxPayloadBytes: 8 * 1024 * 1024 });
    const signups = createJobs({ signup: signupType }, { redis: dash.server().url, namespace });
    const secret = await signups.schedule("signup", { user: "ada", password: "hunter2-secret", card: { last4: "4242", number: "4242424242424242" } }, { delay: "1h" });
    await signups.close();
    const note = "x".repeat(3 * 1024 * 1024);
    const big = await jobs.schedule("chargeInvoice", { ...invoice(1), lines: [{ sku: "BIG", quantity: 1, note }] }, { delay: "1h" });

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/job/${secret.id}`);
    await page.waitForSelector(".payload .masked");
    const shown = await page.textContent("main");
    expect(shown).not.toContain("hunter2-secret");
    expect(shown).not.toContain("4242424242424242");
    expect(await page.$$eval(".payload .masked", (els) => els.map((el) => el.textContent))).toEqual(["[sensitive]", "[sensitive]"]);
    expect(shown).toContain("The account's login name");
    expect(shown).toContain("Last four digits, safe to show");
    await browser.screenshot(page, "job-sensitive");

    await page.goto(`${dashboard.url}#/job/${big.id}`);
    await page.waitForSelector("text=Load the whole payload");
    expect(await page.textContent("pre.preview")).toContain("INV-2026-000001");
    expect((await page.textContent("main"))!.length).toBeLessThan(64 * 1024);
    await page.click("text=Load the whole payload");
    await page.waitForSelector(".payload");
    expect(await page.evaluate(() => document.querySelector(".payload")!.textContent!.length)).toBeGreaterThan(3 * 1024 * 1024);
  });

  it("the rejected page groups rejected jobs by failing path and message; recurring jobs and pools are listed", async () => {
    const { jobs, pool, dashboard, namespace } = await dash.namespace();
    const raw = dash.server().client();
    const now = Date.now();
    for (const [id, path] of [["r1", "/amount/cents"], ["r2", "/amount/cents"], ["r3", "/coupon"]] as const) {
      await seedRecord(raw, namespace, "chargeInvoice", id, `{"t":"chargeInvoice","s":"rejected","at":${now},"ft":${now},"a":1,"e":{"name":"PayloadValidationError","message":"invalid","issues":[{"path":"${path}","message":"must be valid"}]}}\n{}`, "rejected", now);
    }
    raw.disconnect();
    await jobs.scheduleRecurring("welcomeEmail", welcome(1), { every: "1h" }, { id: "hourly-welcome" });
    await pool({ handlers: { welcomeEmail: async () => undefined } }).start();

    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/rejected?type=chargeInvoice`);
    await page.waitForSelector("main table tbody tr");
    const groups = await page.$$eval("main table tbody tr", (rows) => rows.map((r) => [...r.querySelectorAll("td")].slice(1, 4).map((td) => td.textContent)));
    expect(groups).toEqual([["/amount/cents", "must be valid", "2"], ["/coupon", "must be valid", "1"]]);
    await browser.screenshot(page, "rejected");
    await page.goto(`${dashboard.url}#/recurring`);
    await page.waitForSelector("text=hourly-welcome");
    await page.goto(`${dashboard.url}#/pools`);
    await page.waitForSelector("main table tbody tr");
    expect(await page.textContent("main table tbody")).toContain("welcomeEmail");
  });

  it("holds on a phone screen: nothing overflows sideways and the controls stay usable by keyboard", async () => {
    const { jobs, dashboard } = await dash.namespace();
    await jobs.scheduleBulk("chargeInvoice", [1, 2].map((n) => invoice(n)));
    const page = await browser.page({ viewport: { width: 390, height: 844 } });
    await page.goto(dashboard.loginUrl);
    await page.waitForSelector('tr[data-type="chargeInvoice"]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await browser.screenshot(page, "phone-overview");
    await page.goto(`${dashboard.url}#/jobs?status=queued&type=chargeInvoice`);
    await page.waitForSelector("table.jobs tbody tr");
    await page.focus("#job-id");
    await page.keyboard.type("no-such-job");
    await page.keyboard.press("Enter");
    await page.waitForSelector("text=job no-such-job not found");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await browser.screenshot(page, "phone-not-found");
  });
});
