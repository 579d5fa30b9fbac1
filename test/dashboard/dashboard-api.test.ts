/**
 * The dashboard's JSON API over plain HTTP: bad input is a clear error with a stable code and
 * changes nothing; a filter on a sensitive field is refused.
 */
import { describe, expect, it } from "vitest";
import { waitUntil } from "../support/redis-server.js";
import { useDashboard, welcome } from "./dashboard-fixture.js";

describe("the dashboard's API", { timeout: 30_000 }, () => {
  const dash = useDashboard();

  async function client() {
    const bundle = await dash.namespace();
    const { dashboard } = bundle;
    const auth = { authorization: `Bearer ${dashboard.token}` };
    const html = await (await fetch(dashboard.url, { headers: auth })).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1]!;
    const get = async (path: string) => {
      const response = await fetch(`${dashboard.url}api/${path}`, { headers: auth });
      return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
    };
    const post = async (path: string, body: string, contentType = "application/json") => {
      const response = await fetch(`${dashboard.url}api/${path}`, { method: "POST", headers: { ...auth, "x-csrf-token": csrf, "content-type": contentType }, body });
      return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
    };
    return { ...bundle, get, post };
  }

  it("refuses bad reads with 400 or 404 and a message naming the problem", async () => {
    const { get, jobs } = await client();
    await jobs.schedule("welcomeEmail", welcome(1));
    expect(await get("jobs?status=nope")).toMatchObject({ status: 400, body: { error: { code: "BAD_REQUEST", message: "status must be one of queued, executing, finished, failed, cancelled, rejected, deferred" } } });
    expect(await get("jobs?status=queued&limit=-1")).toMatchObject({ status: 400, body: { error: { message: "limit must be a non-negative integer" } } });
    expect(await get(`jobs?status=queued&where=${encodeURIComponent('{"name":"Ada"}')}`)).toMatchObject({ status: 400, body: { error: { message: "a payload filter needs a job type: each path is checked against its schema" } } });
    expect(await get(`jobs?status=queued&type=welcomeEmail&where=${encodeURIComponent('{"nickname":"Ada"}')}`)).toMatchObject({ status: 400, body: { error: { message: "filter nickname: the payload schema of job type welcomeEmail has no such path" } } });
    expect(await get(`jobs?status=queued&type=welcomeEmail&where=${encodeURIComponent('{"name":{"$ne":1}}')}`)).toMatchObject({ status: 400, body: { error: { message: "filter name: the value must be a string, number, boolean or null" } } });
    expect(await get("jobs/no-such-job")).toMatchObject({ status: 404, body: { error: { code: "JOB_NOT_FOUND", message: "job no-such-job not found" } } });
    expect((await get("nothing-here")).status).toBe(404);
  });

  it("refuses bad actions with a typed error and changes nothing", async () => {
    const { post, jobs } = await client();
    const queued = await jobs.schedule("welcomeEmail", welcome(1));
    expect(await post(`jobs/${queued.id}/retry`, "{}")).toMatchObject({ status: 409, body: { error: { code: "JOB_STATE" } } });
    expect(await post("types/noSuchType/pause", "{}")).toMatchObject({ status: 400, body: { error: { code: "UNKNOWN_JOB_TYPE" } } });
    expect(await post("bulk", JSON.stringify({ action: "retry", type: "welcomeEmail", status: "queued" }))).toMatchObject({ status: 400, body: { error: { code: "INVALID_OPTION" } } });
    expect(await post("bulk", JSON.stringify({ action: "explode", type: "welcomeEmail", status: "failed" }))).toMatchObject({ status: 400, body: { error: { message: "action must be retry, cancel or destroy" } } });
    expect(await post("bulk", JSON.stringify({ action: "cancel", type: "welcomeEmail", status: "queued", olderThan: "soon" }))).toMatchObject({ status: 400, body: { error: { code: "INVALID_OPTION" } } });
    expect(await post("bulk", "not json")).toMatchObject({ status: 400, body: { error: { code: "BAD_JSON" } } });
    expect(await post("bulk", "{}", "text/plain")).toMatchObject({ status: 415, body: { error: { code: "UNSUPPORTED_MEDIA_TYPE" } } });
    expect(await post("bulk", JSON.stringify({ action: "cancel", type: "welcomeEmail", status: "queued", pad: "x".repeat(70_000) }))).toMatchObject({ status: 413 });
    expect((await jobs.findJob(queued.id)).status).toBe("queued");
    expect(await jobs.pausedTypes()).toEqual([]);
  });

  it("refuses a filter or a bulk selection on a field the contract marks sensitive", async () => {
    const { get, post, jobs } = await client();
    await jobs.schedule("syncWebhook", { endpoint: "https://hooks.example.com/x", event: { kind: "order.created", orderId: "9b2d3c0e-6c2a-4c1b-8f57-3a9e0d1f2b44", total: 1 }, attempt: 0, sentAt: "2026-12-04T08:00:00Z", signingSecret: "whsec_0123456789abcdef" }, { delay: "1h" });
    const where = encodeURIComponent(JSON.stringify({ signingSecret: "whsec_0123456789abcdef" }));
    expect(await get(`jobs?status=queued&type=syncWebhook&where=${where}`)).toMatchObject({ status: 400, body: { error: { message: "filter signingSecret: a sensitive field cannot be filtered on" } } });
    expect(await post("bulk", JSON.stringify({ action: "cancel", type: "syncWebhook", status: "queued", where: { signingSecret: "whsec_0123456789abcdef" } }))).toMatchObject({ status: 400 });
    expect((await jobs.counts()).byType.syncWebhook!.queued).toBe(1);
  });

  it("a bulk action answers with its task at once and reports every batch's progress under its id", async () => {
    const { post, get, jobs } = await client();
    await jobs.scheduleBulk("welcomeEmail", [1, 2, 3].map(welcome), { delay: "1h" });
    const started = await post("bulk", JSON.stringify({ action: "cancel", type: "welcomeEmail", status: "queued", where: { name: "User 2" } }));
    expect(started.status).toBe(200);
    const id = (started.body.task as { id: string }).id;
    let task = { done: false, progress: { changed: 0, matched: 0 } };
    await waitUntil(async () => (task = (await get(`bulk/${id}`)).body as unknown as typeof task).done);
    expect(task.progress).toMatchObject({ changed: 1, matched: 1 });
    expect((await jobs.counts()).byType.welcomeEmail).toMatchObject({ queued: 2, cancelled: 1 });
  });
});
