/**
 * A CLI test's bundle: the built `jobs` bin, a private redis-server, and per test a fresh namespace
 * with the example contract's runtime (jobs scheduled through src, contracts published by it).
 */
import Type, { type Static } from "typebox";
import { Value } from "typebox/value";
import { beforeAll } from "vitest";
import { Sensitive, type JobType } from "typed-jobs";
import { chargeInvoiceType, nightlyReportType, welcomeEmailType, type ChargeInvoicePayload } from "../../jobs.generated.js";
import { waitUntil } from "../support/redis-server.js";
import { useRedis } from "../support/setup.js";
import { builtJobsBin, runJobs, type JobsResult } from "./built-cli.js";

export const types = { chargeInvoice: chargeInvoiceType, welcomeEmail: welcomeEmailType, nightlyReport: nightlyReportType };

export function invoice(n: number, currency: "EUR" | "USD" = "EUR"): ChargeInvoicePayload {
  return { invoiceNumber: `INV-2026-${String(n).padStart(6, "0")}`, customerId: "6f1c7c1e-2b7a-4c55-9a53-2f4e1c0b9d11", amount: { cents: 100 * n, currency }, lines: [{ sku: "A", quantity: 1 }], coupon: null };
}

export const welcome = { userId: "6f1c7c1e-2b7a-4c55-9a53-2f4e1c0b9d11", name: "Ada", emailAddress: "ada@example.com" };

const Signup = Type.Object({ user: Type.String(), password: Sensitive(Type.String()), card: Type.Object({ last4: Type.String(), number: Sensitive(Type.String()) }) });
export type SignupPayload = Static<typeof Signup>;
/** A job type whose contract marks fields sensitive: the password and the card number. */
export const signupType: JobType<SignupPayload> = { name: "signup", schemaHash: "signup-v1", schema: Signup, check: (v): v is SignupPayload => Value.Check(Signup, v), errors: () => [] };
export const signup: SignupPayload = { user: "ada", password: "hunter2", card: { last4: "4242", number: "4242424242424242" } };

export function useCli() {
  const redis = useRedis();
  let bin = "";
  beforeAll(async () => {
    bin = await builtJobsBin();
  }, 120_000);

  return {
    server: redis.server,
    /** A fresh namespace with the example runtime (or the types given), and `jobs` bound to it. */
    namespace(given: Record<string, JobType<any>> = types) {
      const bundle = redis.bundle<{ chargeInvoice: ChargeInvoicePayload; welcomeEmail: typeof welcome; nightlyReport: unknown } & Record<string, any>>(given as never);
      const jobs = bundle.jobs;
      const cli = (...args: string[]): Promise<JobsResult> => runJobs(bin, ["--redis", redis.server().url, "--namespace", bundle.namespace, ...args]);
      /** Schedules invoices that fail at once (no retries) and waits until they have. */
      const failedInvoices = async (payloads: readonly ChargeInvoicePayload[]): Promise<string[]> => {
        const scheduled = await jobs.scheduleBulk("chargeInvoice", payloads, { retries: 0 });
        const pool = bundle.pool({ concurrency: 4, handlers: { chargeInvoice: () => Promise.reject(new Error("card declined")) } });
        await pool.start();
        await waitUntil(async () => (await jobs.counts()).byType.chargeInvoice?.failed === payloads.length);
        await pool.close();
        return scheduled.map((j) => j.id);
      };
      return { jobs, bundle, cli, failedInvoices };
    },
    bin: () => bin,
  };
}
