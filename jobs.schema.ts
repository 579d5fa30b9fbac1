/**
 * The example contract of typed-jobs: the job types of a small web shop, used by the demo, the docs
 * and the tests. Edit it and run `npm run jobs-gen` to regenerate jobs.generated.ts.
 */
import Type from "typebox";
import { defineJobs, Sensitive } from "typed-jobs";

const Uuid = Type.String({ format: "uuid" });

export default defineJobs({
  /** Sends the welcome email after sign-up. */
  welcomeEmail: {
    payload: Type.Object({
      userId: Uuid,
      name: Type.String({ minLength: 1, maxLength: 200 }),
      emailAddress: Type.String({ format: "email" }),
      locale: Type.Optional(Type.Union([Type.Literal("en"), Type.Literal("fr"), Type.Literal("de")])),
    }),
    retries: 3,
    priority: 100,
  },

  /**
   * Resizes an uploaded image into each requested size.
   * Sizes are in pixels; the source stays untouched.
   */
  resizeImage: {
    payload: Type.Object(
      {
        imageId: Uuid,
        sourceUrl: Type.String({ format: "uri" }),
        sizes: Type.Array(
          Type.Object({ width: Type.Integer({ minimum: 1, maximum: 8192 }), height: Type.Integer({ minimum: 1, maximum: 8192 }) }),
          { minItems: 1, maxItems: 10 },
        ),
        format: Type.Optional(Type.Enum(["jpeg", "png", "webp"])),
        quality: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      },
      { additionalProperties: false },
    ),
    retries: 2,
    backoff: { type: "fixed", delay: "30s" },
    timeout: "2m",
  },

  chargeInvoice: {
    description: "Charges a customer's card for one invoice; idempotent by invoiceNumber.",
    payload: Type.Object({
      invoiceNumber: Type.String({ pattern: "^INV-[0-9]{4}-[0-9]{6}$" }),
      customerId: Uuid,
      amount: Type.Object({
        cents: Type.Integer({ minimum: 1 }),
        currency: Type.Union([Type.Literal("EUR"), Type.Literal("USD"), Type.Literal("GBP")]),
      }),
      lines: Type.Array(Type.Object({ sku: Type.String({ minLength: 1 }), quantity: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String()) })),
      coupon: Type.Union([Type.String({ minLength: 3, maxLength: 32 }), Type.Null()]),
    }),
    retries: 5,
    priority: 500,
    backoff: { type: "exponential", base: "2s", max: "10m" },
  },

  /** Builds and mails the report of one day. */
  nightlyReport: {
    payload: Type.Object({
      day: Type.String({ format: "date" }),
      recipients: Type.Array(Type.String({ format: "email" }), { minItems: 1 }),
      includeRefunds: Type.Boolean(),
    }),
    retries: 1,
    priority: -10,
  },

  /** Delivers one event to a customer's webhook endpoint. */
  syncWebhook: {
    payload: Type.Object({
      endpoint: Type.String({ format: "uri" }),
      event: Type.Union([
        Type.Object({ kind: Type.Literal("order.created"), orderId: Uuid, total: Type.Number({ minimum: 0 }) }),
        Type.Object({ kind: Type.Literal("order.refunded"), orderId: Uuid, reason: Type.String() }),
      ]),
      attempt: Type.Integer({ minimum: 0 }),
      sentAt: Type.String({ format: "date-time" }),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
      /** The key the body is signed with (HMAC); the ops tools show it masked. */
      signingSecret: Type.Optional(Sensitive(Type.String({ minLength: 16 }))),
    }),
    retries: 8,
    timeout: 10_000,
  },
});
