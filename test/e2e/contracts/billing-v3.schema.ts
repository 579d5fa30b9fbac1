/**
 * Version 3 of the billing contract, with the steps from versions 1 and 2: jobs written by the
 * version 1 build reach a version 3 pool's handler as version 3 payloads.
 */
import Type from "typebox";
import { defineJobs, versions } from "typed-jobs";

const V1 = Type.Object({ cents: Type.Integer({ minimum: 1 }) });
const V2 = Type.Object({ cents: Type.Integer({ minimum: 1 }), currency: Type.String() });
const V3 = Type.Object({ amount: Type.Object({ cents: Type.Integer({ minimum: 1 }), currency: Type.Union([Type.Literal("EUR"), Type.Literal("USD")]) }) });

export default defineJobs({
  charge: {
    payload: versions(V1)
      .to(V2, (p) => {
        if (p.cents > 1_000_000) throw new Error("amounts over 10,000.00 need a currency; charge it again by hand");
        return { ...p, currency: "EUR" };
      })
      .to(V3, (p) => ({ amount: { cents: p.cents, currency: p.currency === "USD" ? ("USD" as const) : ("EUR" as const) } })),
    retries: 2,
    backoff: { type: "fixed", delay: "20ms" },
  },
});
