import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PayloadValidationError } from "typed-jobs";
import * as contract from "../../jobs.generated.js";
import { runCli } from "../codegen/cli-run.js";
import { waitUntil } from "../support/redis-server.js";
import { useRedis } from "../support/setup.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** jobs-gen --check on a checked-in module: fails the test, with jobs-gen's message, if `out` is stale. */
async function expectFresh(schema: string, out: string): Promise<void> {
  const check = await runCli(["--schema", join(root, schema), "--out", join(root, out), "--check"]);
  expect(check.code, check.stderr).toBe(0);
}

const uuid = "6f1c7c1e-2b7a-4c55-9a53-2f4e1c0b9d11";
let namespaceCounter = 0;

describe("the generated module of jobs.schema.ts, end to end on Redis", () => {
  const { server } = useRedis();
  let namespace = "";

  beforeAll(async () => {
    // The two versions' modules are checked in (so they type-check with the rest); they must be
    // exactly what jobs-gen makes of their contracts today.
    await expectFresh("test/e2e/contracts/signup-v1.schema.ts", "test/e2e/contracts/signup-v1.generated.ts");
    await expectFresh("test/e2e/contracts/signup-v2.schema.ts", "test/e2e/contracts/signup-v2.generated.ts");
  }, 120_000);

  afterEach(async () => {
    await contract.closeJobs();
  });

  function configure(): void {
    namespace = `e2e-${++namespaceCounter}`;
    contract.configureJobs({ redis: server().url, namespace });
  }

  it("schedules through generated functions and runs each job through a generated pool with its typed payload", async () => {
    configure();
    const welcome = { userId: uuid, name: "Ada", emailAddress: "ada@example.com", locale: "fr" as const };
    const report = { day: "2026-11-28", recipients: ["ops@example.com"], includeRefunds: true };
    const a = await contract.scheduleWelcomeEmail(welcome);
    const [b] = await contract.scheduleNightlyReportBulk([report]);
    const received: Record<string, unknown> = {};
    const pool = contract.createPool({
      concurrency: 2,
      handlers: {
        welcomeEmail: (payload) => void (received.welcomeEmail = payload),
        nightlyReport: (payload) => void (received.nightlyReport = payload),
        resizeImage: () => undefined,
        chargeInvoice: () => undefined,
        syncWebhook: () => undefined,
      },
    });
    await pool.start();
    try {
      await waitUntil(async () => (await contract.findJob(a.id)).status === "finished" && (await contract.findJob(b!.id)).status === "finished");
    } finally {
      await pool.close();
    }
    expect(received).toEqual({ welcomeEmail: welcome, nightlyReport: report });
    const done = await contract.findJob(a.id);
    expect(done.schemaHash).toBe(contract.schemaHashes.welcomeEmail);
    expect(done.priority).toBe(100);
    expect(done.retries).toBe(3);
  });

  it("throws PayloadValidationError for an invalid payload and writes nothing to Redis", async () => {
    configure();
    const before = server().cli("DBSIZE");
    const error = await contract
      .scheduleWelcomeEmail({ userId: "nope", name: "", emailAddress: "not-an-email" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect((error as PayloadValidationError).errors.map((e) => e.path).sort()).toEqual(["/emailAddress", "/name", "/userId"]);
    expect(server().cli("DBSIZE")).toBe(before);
    expect(server().cli("KEYS", `tj:{${namespace}}:*`)).toBe("");
  });

  it("rejects, with the failing path, a job scheduled under an older contract whose schema was then tightened", async () => {
    const v1 = await import("./contracts/signup-v1.generated.js");
    const v2 = await import("./contracts/signup-v2.generated.js");
    namespace = `e2e-${++namespaceCounter}`;
    v1.configureJobs({ redis: server().url, namespace });
    v2.configureJobs({ redis: server().url, namespace });
    const old = await v1.scheduleSignup({ email: "ada@example.com", plan: "enterprise" });
    await v1.closeJobs();
    expect(v1.schemaHashes.signup).not.toBe(v2.schemaHashes.signup);

    const ran: string[] = [];
    const pool = v2.createPool({ handlers: { signup: ({ plan }) => void ran.push(plan) } });
    await pool.start();
    try {
      const fresh = await v2.scheduleSignup({ email: "bob@example.com", plan: "pro" });
      await waitUntil(async () => (await v2.findJob(old.id)).status === "rejected" && (await v2.findJob(fresh.id)).status === "finished");
    } finally {
      await pool.close();
    }
    const rejected = await v2.findJob(old.id);
    expect(rejected.attempts).toBe(1);
    expect(rejected.error?.name).toBe("PayloadValidationError");
    expect(rejected.error?.issues?.map((i) => i.path)).toEqual(["/plan"]);
    expect(rejected.schemaHash).toBe(v1.schemaHashes.signup);
    expect(ran).toEqual(["pro"]);
    await v2.closeJobs();
  });
});
