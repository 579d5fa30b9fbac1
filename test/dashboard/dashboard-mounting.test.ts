/**
 * The mounted handler in the servers docs/dashboard.md shows: Express (app.use) and Fastify (the raw
 * request, bodies left unread): pages, reads and a POST action work under the base path, and the
 * application's own routes and auth stay in charge.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { createDashboard, type Dashboard } from "typed-jobs/dashboard";
import { useDashboard, welcome } from "./dashboard-fixture.js";

/** Reads the page, then pauses a type through the API as the page would: the CSRF token from the page, the Origin of the server. */
async function pauseThroughPage(base: string, headers: Record<string, string>): Promise<number> {
  const html = await (await fetch(`${base}/admin/jobs/`, { headers })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1]!;
  const response = await fetch(`${base}/admin/jobs/api/types/welcomeEmail/pause`, { method: "POST", headers: { ...headers, origin: base, "x-csrf-token": csrf, "content-type": "application/json" }, body: "{}" });
  return response.status;
}

describe("mounting the dashboard", { timeout: 30_000 }, () => {
  const dash = useDashboard();

  async function dashboardFor(): Promise<{ dashboard: Dashboard; jobs: Awaited<ReturnType<typeof dash.namespace>>["jobs"] }> {
    const { jobs, namespace } = await dash.namespace();
    await jobs.schedule("welcomeEmail", welcome(1));
    return { jobs, dashboard: createDashboard({ redis: dash.server().url, namespace, basePath: "/admin/jobs", auth: (req) => req.headers["x-user"] === "ops" }) };
  }

  it("in Express with app.use under the base path", async () => {
    const { dashboard, jobs } = await dashboardFor();
    const app = express();
    app.get("/", (_req, res) => void res.send("the shop"));
    app.use("/admin/jobs", dashboard.handle);
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/`)).text()).toBe("the shop");
      expect((await fetch(`${base}/admin/jobs/api/overview`)).status).toBe(401);
      const overview = await fetch(`${base}/admin/jobs/api/overview`, { headers: { "x-user": "ops" } });
      expect(((await overview.json()) as { stats: { total: { queued: number } } }).stats.total.queued).toBe(1);
      expect((await fetch(`${base}/admin/jobs/assets/app.js`, { headers: { "x-user": "ops" } })).headers.get("content-type")).toContain("javascript");
      expect(await pauseThroughPage(base, { "x-user": "ops" })).toBe(200);
      expect(await jobs.pausedTypes()).toEqual(["welcomeEmail"]);
    } finally {
      server.closeAllConnections();
      server.close();
      await dashboard.close();
    }
  });

  it("in Fastify on the raw request, in a scope that leaves bodies unread", async () => {
    const { dashboard, jobs } = await dashboardFor();
    const fastify = Fastify();
    fastify.get("/", async () => "the shop");
    await fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", (_req, _body, done) => done(null));
      const serve = (req: { raw: import("node:http").IncomingMessage }, reply: { hijack(): void; raw: import("node:http").ServerResponse }) => {
        reply.hijack();
        dashboard.handle(req.raw, reply.raw);
      };
      scope.all("/admin/jobs", serve);
      scope.all("/admin/jobs/*", serve);
    });
    const address = await fastify.listen({ port: 0, host: "127.0.0.1" });
    try {
      expect(await (await fetch(`${address}/`)).text()).toBe("the shop");
      expect((await fetch(`${address}/admin/jobs/api/overview`)).status).toBe(401);
      expect((await fetch(`${address}/admin/jobs/api/overview`, { headers: { "x-user": "ops" } })).status).toBe(200);
      expect(await pauseThroughPage(address, { "x-user": "ops" })).toBe(200);
      expect(await jobs.pausedTypes()).toEqual(["welcomeEmail"]);
    } finally {
      await fastify.close();
      await dashboard.close();
    }
  });
});
