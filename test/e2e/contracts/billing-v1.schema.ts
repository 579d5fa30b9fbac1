/** Version 1 of a billing contract: an amount in cents, no currency. */
import Type from "typebox";
import { defineJobs } from "typed-jobs";

export default defineJobs({
  charge: {
    payload: Type.Object({ cents: Type.Integer({ minimum: 1 }) }),
    retries: 2,
    backoff: { type: "fixed", delay: "20ms" },
  },
});
