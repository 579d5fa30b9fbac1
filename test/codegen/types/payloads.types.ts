/**
 * Type-level tests of the generated example module, compiled by tsc (see typecheck.test.ts): each
 * `@ts-expect-error` line must be an error, every other line must compile.
 */
import type { Static } from "typebox";
import type contract from "../../../jobs.schema.js";
import {
  decodeWelcomeEmailPayload,
  isChargeInvoicePayload,
  jobSchemas,
  scheduleChargeInvoiceBulk,
  scheduleNightlyReport,
  scheduleRecurringSyncWebhook,
  scheduleWelcomeEmail,
  type ChargeInvoicePayload,
  type JobPayloads,
  type NightlyReportPayload,
  type ResizeImagePayload,
  type SyncWebhookPayload,
  type WelcomeEmailPayload,
} from "../../../jobs.generated.js";

/** A compile error unless A and B are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T | undefined => undefined;

// The written-out payload types are the schemas' static types.
same<Same<WelcomeEmailPayload, Static<(typeof contract)["welcomeEmail"]["payload"]>>>();
same<Same<ResizeImagePayload, Static<(typeof contract)["resizeImage"]["payload"]>>>();
same<Same<ChargeInvoicePayload, Static<(typeof contract)["chargeInvoice"]["payload"]>>>();
same<Same<NightlyReportPayload, Static<(typeof contract)["nightlyReport"]["payload"]>>>();
same<Same<SyncWebhookPayload, Static<(typeof contract)["syncWebhook"]["payload"]>>>();
same<Same<keyof JobPayloads, "chargeInvoice" | "nightlyReport" | "resizeImage" | "syncWebhook" | "welcomeEmail">>();

export async function correctCalls(): Promise<void> {
  const job = await scheduleWelcomeEmail({ userId: "0b6f7e3c-0000-4000-8000-000000000000", name: "Ada", emailAddress: "ada@example.com" }, { delay: "5m", priority: 3, id: "w-1" });
  const payload: WelcomeEmailPayload = job.payload;
  await scheduleNightlyReport({ day: "2024-01-31", recipients: ["ops@example.com"], includeRefunds: false }, { runAt: new Date() });
  await scheduleChargeInvoiceBulk([]);
  await scheduleRecurringSyncWebhook(
    { endpoint: "https://x.example/hook", event: { kind: "order.refunded", orderId: "x", reason: "late" }, attempt: 0, sentAt: "2024-01-01T00:00:00Z" },
    { cron: "0 3 * * *", timezone: "Europe/Paris" },
    { id: "sync" },
  );
  const unknownValue: unknown = JSON.parse("{}");
  if (isChargeInvoicePayload(unknownValue)) {
    const cents: number = unknownValue.amount.cents;
    void cents;
  }
  const decoded: WelcomeEmailPayload = decodeWelcomeEmailPayload("{}");
  void [payload, decoded, jobSchemas.welcomeEmail];
}

export async function wrongCalls(): Promise<void> {
  // @ts-expect-error a wrong payload: name must be a string
  await scheduleWelcomeEmail({ userId: "u", name: 42, emailAddress: "ada@example.com" });
  // @ts-expect-error an unknown field
  await scheduleWelcomeEmail({ userId: "u", name: "Ada", emailAddress: "ada@example.com", admin: true });
  // @ts-expect-error a missing field
  await scheduleNightlyReport({ day: "2024-01-31", recipients: [] });
  // @ts-expect-error an enum value that is not in the schema
  await scheduleChargeInvoiceBulk([{ invoiceNumber: "INV-2024-000001", customerId: "c", amount: { cents: 1, currency: "JPY" }, lines: [], coupon: null }]);
  // @ts-expect-error a recurrence needs every or cron
  await scheduleRecurringSyncWebhook({} as SyncWebhookPayload, {});
  // @ts-expect-error an unknown schedule option
  await scheduleWelcomeEmail({} as WelcomeEmailPayload, { delayed: "5m" });
}
