/**
 * A dashboard test's bundle: a private redis-server, per test a fresh namespace with the example
 * contract's runtime (so its schemas are registered), and the standalone dashboard server on it.
 */
import { afterEach } from "vitest";
import { startDashboardServer, type DashboardServer, type DashboardServerOptions } from "typed-jobs/dashboard";
import { chargeInvoiceType, syncWebhookType, welcomeEmailType, type ChargeInvoicePayload, type SyncWebhookPayload, type WelcomeEmailPayload } from "../../jobs.generated.js";
import { useRedis } from "../support/setup.js";

export type M = { chargeInvoice: ChargeInvoicePayload; welcomeEmail: WelcomeEmailPayload; syncWebhook: SyncWebhookPayload };
export const types = { chargeInvoice: chargeInvoiceType, welcomeEmail: welcomeEmailType, syncWebhook: syncWebhookType };

export function invoice(n: number, currency: "EUR" | "USD" | "GBP" = "EUR"): ChargeInvoicePayload {
  return { invoiceNumber: `INV-2026-${String(n).padStart(6, "0")}`, customerId: "6f1c7c1e-2b7a-4c55-9a53-2f4e1c0b9d11", amount: { cents: 100 * n, currency }, lines: [{ sku: "TEA-1", quantity: 1 }], coupon: null };
}

export function welcome(n: number): WelcomeEmailPayload {
  return { userId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, name: `User ${n}`, emailAddress: `user${n}@example.com` };
}

export function useDashboard() {
  const redis = useRedis();
  const open: DashboardServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  return {
    server: redis.server,
    /** A fresh namespace with the example runtime, and the dashboard server on it. */
    async namespace(options: Omit<DashboardServerOptions, "redis" | "namespace"> = {}, runtime: Parameters<typeof redis.bundle>[1] = {}) {
      const bundle = redis.bundle<M>(types, runtime);
      const dashboard = await startDashboardServer({ redis: redis.server().url, namespace: bundle.namespace, port: 0, ...options });
      open.push(dashboard);
      return { ...bundle, dashboard };
    },
  };
}
