/**
 * `npm run demo`: the newcomer's path end to end. Generates the typed module from jobs.schema.ts,
 * starts a private redis-server unless REDIS_URL is set, schedules jobs (one-off, delayed, bulk,
 * recurring, one that fails once, one invalid payload, one written by an "older producer"), runs a
 * pool until everything has settled, and prints the counts per status. It ends by saying how to see
 * the same data in the web dashboard; `npm run demo -- --dashboard` serves it until Ctrl-C.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createJobs, PayloadValidationError } from "typed-jobs";
import { startDashboardServer } from "typed-jobs/dashboard";
import { RedisServer, waitUntil } from "../test/support/redis-server.js";

const root = fileURLToPath(new URL("..", import.meta.url));

function step(text: string): void {
  console.log(`\n▸ ${text}`);
}

async function main(): Promise<void> {
  step("jobs-gen: jobs.schema.ts → jobs.generated.ts");
  execFileSync(process.execPath, ["--import", "tsx", "codegen/cli.ts"], { cwd: root, stdio: "inherit" });

  const server = process.env.REDIS_URL ? undefined : await RedisServer.start();
  const redis = process.env.REDIS_URL ?? server!.url;
  step(server ? `started a private redis-server on ${redis} (stopped at exit)` : `using REDIS_URL=${redis}`);
  try {
    const namespace = await runDemo(redis);
    if (process.argv.includes("--dashboard")) await serveDashboard(redis, namespace);
    else printDashboardHint(redis, namespace, server !== undefined);
  } finally {
    await server?.stop();
  }
}

function printDashboardHint(redis: string, namespace: string, privateServer: boolean): void {
  step("see these jobs in the web dashboard");
  if (privateServer) console.log("  npm run demo -- --dashboard     # the demo again, then its data served at http://127.0.0.1:4000 until Ctrl-C");
  else console.log(`  npx typed-jobs --redis ${redis} --namespace ${namespace} dashboard`);
}

/** The dashboard on the demo's namespace, bound to loopback behind a generated token, until Ctrl-C. */
async function serveDashboard(redis: string, namespace: string): Promise<void> {
  const port = Number(process.env.PORT ?? 4000);
  const dashboard = await startDashboardServer({ redis, namespace, port }).catch(() => startDashboardServer({ redis, namespace, port: 0 }));
  step("the dashboard on the demo's data (Ctrl-C stops it and the private redis-server)");
  console.log(`  open ${dashboard.loginUrl}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await dashboard.close();
}

async function runDemo(redis: string): Promise<string> {
  const contract = await import("../jobs.generated.js");
  const namespace = `demo-${Date.now()}`;
  contract.configureJobs({ redis, namespace });

  step("schedule");
  const welcome = await contract.scheduleWelcomeEmail({ userId: "6f1c7c1e-2b7a-4c55-9a53-2f4e1c0b9d11", name: "Ada", emailAddress: "ada@example.com", locale: "en" });
  console.log(`  welcomeEmail ${welcome.id}: ${welcome.status}, priority ${welcome.priority}`);
  const bulk = await contract.scheduleWelcomeEmailBulk(
    Array.from({ length: 20 }, (_, i) => ({ userId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, name: `User ${i}`, emailAddress: `user${i}@example.com` })),
  );
  console.log(`  ${bulk.length} more welcomeEmail jobs in one round trip`);
  await contract.scheduleResizeImage({ imageId: "1b4e28ba-2fa1-41d2-883f-0016d3cca427", sourceUrl: "https://img.example.com/cat.png", sizes: [{ width: 320, height: 240 }, { width: 64, height: 64 }] }, { delay: "1s" });
  console.log("  resizeImage, delayed by 1s");
  await contract.scheduleChargeInvoice(
    { invoiceNumber: "INV-2026-000042", customerId: "9b2d3c0e-6c2a-4c1b-8f57-3a9e0d1f2b44", amount: { cents: 4200, currency: "EUR" }, lines: [{ sku: "TEA-1", quantity: 2 }], coupon: null },
    { backoff: { type: "fixed", delay: "300ms" } },
  );
  console.log("  chargeInvoice (its handler fails the first attempt; retried after 300ms)");
  const report = await contract.scheduleRecurringNightlyReport({ day: "2026-11-28", recipients: ["ops@example.com"], includeRefunds: false }, { every: "400ms" }, { id: "nightly-report" });
  console.log(`  nightlyReport, recurring every 400ms, id ${report.id}`);

  try {
    await contract.scheduleWelcomeEmail({ userId: "not-a-uuid", name: "", emailAddress: "nope" });
  } catch (error) {
    if (!(error instanceof PayloadValidationError)) throw error;
    console.log(`  invalid payload refused before Redis: ${error.message}`);
    for (const issue of error.errors) console.log(`    ${issue.path || "/"}: ${issue.message}`);
  }

  // A producer built from an older contract, whose schema was looser, writes a payload the new one refuses.
  const looser = (value: unknown): value is unknown => value !== undefined;
  const older = createJobs<{ welcomeEmail: unknown }>(
    { welcomeEmail: { ...contract.welcomeEmailType, check: looser, checkToWrite: looser } },
    { redis, namespace },
  );
  const stale = await older.schedule("welcomeEmail", { userId: "legacy-42", name: "Old", emailAddress: "old@example.com" });
  await older.close();
  console.log(`  welcomeEmail ${stale.id} written by an older producer with a looser schema`);

  step("run a pool");
  let chargeAttempts = 0;
  let reportRuns = 0;
  const pool = contract.createPool({
    concurrency: 5,
    handlers: {
      welcomeEmail: async () => undefined,
      resizeImage: async ({ sizes }) => void sizes.length,
      chargeInvoice: async () => {
        if (++chargeAttempts === 1) throw new Error("card network timeout");
      },
      nightlyReport: async () => void reportRuns++,
      syncWebhook: async () => undefined,
    },
  });
  pool.on("retried", (job, error) => console.log(`  retried   ${job.type} ${job.id}: ${error.message}`));
  pool.on("failed", (job, error) => console.log(`  failed    ${job.type} ${job.id}: ${error.message}`));
  pool.on("rejected", (job, error) => console.log(`  rejected  ${job.type} ${job.id}: ${error.message}`));
  pool.on("finished", (job, ms) => {
    if (job.type !== "welcomeEmail") console.log(`  finished  ${job.type} ${job.id} in ${ms} ms`);
  });
  await pool.start();

  await waitUntil(async () => {
    const { total } = await contract.jobs.counts();
    return total.queued + total.executing === 1 && reportRuns >= 3;
  }, 30_000, "the demo's jobs did not settle in 30 s");
  console.log(`  nightlyReport ran ${reportRuns} times; cancelling it`);
  await (await contract.findJob(report.id)).cancel();
  await waitUntil(async () => (await contract.findJob(report.id)).status === "cancelled", 10_000);
  await pool.close();

  const rejected = await contract.findJob(stale.id);
  console.log(`\n▸ the older producer's job is ${rejected.status}: ${rejected.error?.issues?.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  step("final counts per status");
  const { total, byType } = await contract.jobs.counts();
  console.table(Object.fromEntries(Object.entries(byType).map(([type, counts]) => [type, counts])));
  console.log(`  total: ${Object.entries(total).map(([status, n]) => `${status} ${n}`).join(", ")}`);
  await contract.closeJobs();
  return namespace;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
