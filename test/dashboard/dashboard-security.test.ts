/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard refuses what it must, in real Chromium and over plain HTTP: a cross-origin POST, a
 * POST without the CSRF token, a request without the token, and any action in read-only mode.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createDashboard } from "typed-jobs/dashboard";
import { InvalidOptionError } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { useBrowser } from "./browser.js";
import { invoice, useDashboard, welcome } from "./dashboard-fixture.js";

describe("dashboard security", { timeout: 60_000 }, () => {
  const browser = useBrowser();
  const dash = useDashboard();
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  /** A namespace with one failed invoice: the job every refused action would have retried. */
  async function withFailedJob(options: Parameters<typeof dash.namespace>[0] = {}) {
    const bundle = await dash.namespace(options);
    const job = await bundle.jobs.schedule("chargeInvoice", invoice(1), { retries: 0 });
    const failing = bundle.pool({ handlers: { chargeInvoice: async () => { throw new Error("declined"); } } });
    await failing.start();
    await waitUntil(async () => (await bundle.jobs.findJob(job.id)).status === "failed");
    await failing.close();
    return { ...bundle, job };
  }

  it("a request without the token is refused, page and API alike, and a wrong token too", async () => {
    const { dashboard } = await dash.namespace();
    const page = await browser.page();
    const response = await page.goto(dashboard.url);
    expect(response!.status()).toBe(401);
    expect(await page.textContent("body")).toContain("UNAUTHORISED");
    await browser.screenshot(page, "refused-without-token");
    expect((await fetch(`${dashboard.url}api/overview`)).status).toBe(401);
    expect((await fetch(`${dashboard.url}api/events`)).status).toBe(401);
    expect((await fetch(`${dashboard.url}assets/app.js`)).status).toBe(401);
    expect((await fetch(`${dashboard.url}?token=wrong`, { redirect: "manual" })).status).toBe(401);
    expect((await fetch(`${dashboard.url}api/overview`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${dashboard.url}api/overview`, { headers: { authorization: `Bearer ${dashboard.token}` } })).status).toBe(200);
  });

  it("a cross-origin POST from another site's page is refused and changes nothing", async () => {
    const { dashboard, jobs, job } = await withFailedJob();
    const target = `${dashboard.url}api/jobs/${job.id}/retry`;
    // Another origin (another port) whose page posts to the dashboard, as a form and by fetch.
    const evil = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<form id="f" method="POST" action="${target}" enctype="text/plain"><input name='{"a":"' value='"}'></form>
<script>fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: "{}" }).finally(() => document.getElementById("f").submit());</script>`);
    });
    servers.push(evil);
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    const refused: number[] = [];
    page.on("response", (response) => {
      if (response.url() === target) refused.push(response.status());
    });
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await page.waitForURL(target);
    await waitUntil(() => refused.length > 0);
    expect(refused).toEqual([403]);
    expect(await page.textContent("body")).toContain("CROSS_ORIGIN");
    await browser.screenshot(page, "refused-cross-origin");
    expect((await jobs.findJob(job.id)).status).toBe("failed");

    // The Origin check stands on its own: with the token and the page's CSRF token, another origin is still refused.
    const html = await (await fetch(dashboard.url, { headers: { authorization: `Bearer ${dashboard.token}` } })).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1]!;
    const headers = { authorization: `Bearer ${dashboard.token}`, "x-csrf-token": csrf, "content-type": "application/json" };
    const foreign = await fetch(target, { method: "POST", headers: { ...headers, origin: "http://evil.example" }, body: "{}" });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("CROSS_ORIGIN");
    expect((await jobs.findJob(job.id)).status).toBe("failed");
    const own = await fetch(target, { method: "POST", headers: { ...headers, origin: dashboard.url.replace(/\/$/, "") }, body: "{}" });
    expect(own.status).toBe(200);
    expect((await jobs.findJob(job.id)).status).toBe("queued");
  });

  it("a POST without the CSRF token is refused, from the dashboard's own page too, and changes nothing", async () => {
    const { dashboard, jobs, job } = await withFailedJob();
    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/job/${job.id}`);
    await page.waitForSelector('button[data-action="retry"]');
    const answer = await page.evaluate(async (id) => {
      const response = await fetch(`api/jobs/${id}/retry`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      return { status: response.status, body: await response.json() };
    }, job.id);
    expect(answer).toEqual({ status: 403, body: { error: { code: "CSRF", message: "a state change needs the x-csrf-token header of the dashboard's page" } } });
    const wrong = await page.evaluate(async (id) => (await fetch(`api/jobs/${id}/retry`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": "guess" }, body: "{}" })).status, job.id);
    expect(wrong).toBe(403);
    // A GET never changes anything: there is no action at a GET address.
    expect(await page.evaluate(async (id) => (await fetch(`api/jobs/${id}/retry`)).status, job.id)).toBe(404);
    await browser.screenshot(page, "refused-without-csrf");
    expect((await jobs.findJob(job.id)).status).toBe("failed");
  });

  it("in read-only mode the page offers no action and the server refuses every one, even with a valid CSRF token", async () => {
    const { dashboard, jobs, job } = await withFailedJob({ readOnly: true });
    const queued = await jobs.findJob((await jobs.schedule("welcomeEmail", welcome(1), { delay: "1h" })).id);
    const page = await browser.page();
    await page.goto(dashboard.loginUrl);
    await page.goto(`${dashboard.url}#/job/${job.id}`);
    await page.waitForSelector('[data-field="status"]');
    expect(await page.locator("main button").count()).toBe(0);
    await browser.screenshot(page, "read-only-job");
    const statuses = await page.evaluate(async ({ failed, delayed }) => {
      const csrf = document.querySelector('meta[name="csrf-token"]')!.getAttribute("content")!;
      const post = async (path: string, body: unknown = {}) => (await fetch(`api/${path}`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: JSON.stringify(body) })).status;
      return [
        await post(`jobs/${failed}/retry`),
        await post(`jobs/${failed}/destroy`),
        await post(`jobs/${delayed}/promote`),
        await post(`jobs/${delayed}/cancel`),
        await post("types/welcomeEmail/pause"),
        await post("types/welcomeEmail/resume"),
        await post("bulk", { action: "destroy", type: "chargeInvoice", status: "failed" }),
      ];
    }, { failed: job.id, delayed: queued.id });
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect((await jobs.findJob(job.id)).status).toBe("failed");
    const after = await jobs.findJob(queued.id);
    expect(after.status).toBe("queued");
    expect(after.runAt.getTime()).toBe(queued.runAt.getTime());
    expect(await jobs.pausedTypes()).toEqual([]);
  });

  it("every response carries a strict Content-Security-Policy; the page runs under it with no violation", async () => {
    const { dashboard, jobs } = await dash.namespace();
    await jobs.schedule("welcomeEmail", welcome(1));
    const response = await fetch(dashboard.url, { headers: { authorization: `Bearer ${dashboard.token}` } });
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(await response.text()).not.toMatch(/<script>|style=|<style/);
    const page = await browser.page();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(dashboard.loginUrl);
    await page.waitForSelector('tr[data-type="welcomeEmail"]');
    expect(violations).toEqual([]);
  });

  it("a mounted handler needs auth or a token, serves under its base path, and asks the auth hook on every request", async () => {
    expect(() => createDashboard({ redis: dash.server().url })).toThrow(InvalidOptionError);
    const { namespace } = await dash.namespace();
    const asked: string[] = [];
    const dashboard = createDashboard({ redis: dash.server().url, namespace, basePath: "/admin/jobs", auth: (req) => (asked.push(req.url!), req.headers["x-user"] === "admin") });
    const app = createServer((req, res) => dashboard.handle(req, res, () => {
      res.writeHead(200);
      res.end("the app's own page");
    }));
    servers.push(app);
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/shop`)).text()).toBe("the app's own page");
      expect((await fetch(`${base}/admin/jobs/api/overview`)).status).toBe(401);
      const ok = await fetch(`${base}/admin/jobs/api/overview`, { headers: { "x-user": "admin" } });
      expect(ok.status).toBe(200);
      expect(asked).toEqual(["/admin/jobs/api/overview", "/admin/jobs/api/overview"]);
      const redirect = await fetch(`${base}/admin/jobs`, { redirect: "manual" });
      expect(redirect.headers.get("location")).toBe("/admin/jobs/");
      const page = await fetch(`${base}/admin/jobs/`, { headers: { "x-user": "admin" } });
      expect(await page.text()).toContain('src="assets/app.js"');
    } finally {
      await dashboard.close();
    }
  });
});
