/** Type-level tests of createPool and createPoolFor in the generated example module. */
import type { Handler } from "typed-jobs";
import { createPool, createPoolFor, type ResizeImagePayload, type WelcomeEmailPayload } from "../../../jobs.generated.js";

const noop = async (): Promise<void> => {};

export function correctPools(): void {
  createPool({
    handlers: {
      welcomeEmail: async (user, job) => {
        const address: string = user.emailAddress;
        const same: WelcomeEmailPayload = job.payload;
        void [address, same, job.attempt, job.signal];
      },
      resizeImage: async ({ sizes }) => void sizes.map((s) => s.width * s.height),
      chargeInvoice: async ({ amount }) => void amount.currency,
      nightlyReport: async ({ day }) => void day,
      syncWebhook: async ({ event }) => void (event.kind === "order.created" ? event.total : event.reason),
    },
    concurrency: 4,
    leaseTime: "30s",
  });
  createPoolFor(["welcomeEmail"], { handlers: { welcomeEmail: async (user) => void user.name } });
  createPoolFor(["welcomeEmail", "resizeImage"], {
    handlers: { welcomeEmail: noop, resizeImage: async (image: ResizeImagePayload) => void image.imageId },
    concurrency: 2,
  });
}

export function wrongPools(): void {
  createPool({
    // @ts-expect-error a missing handler: nightlyReport is not handled
    handlers: { welcomeEmail: noop, resizeImage: noop, chargeInvoice: noop, syncWebhook: noop },
  });
  createPool({
    handlers: {
      // @ts-expect-error a wrong handler signature: welcomeEmail's payload is not a ResizeImagePayload
      welcomeEmail: async (image: ResizeImagePayload) => void image.sizes,
      resizeImage: noop,
      chargeInvoice: noop,
      nightlyReport: noop,
      syncWebhook: noop,
    },
  });
  createPool({
    handlers: {
      welcomeEmail: noop,
      resizeImage: noop,
      chargeInvoice: noop,
      nightlyReport: noop,
      syncWebhook: noop,
      // @ts-expect-error a handler for a job type the contract does not have
      unknownJob: noop,
    },
  });
  // @ts-expect-error a subset pool missing the handler of a type it names
  createPoolFor(["welcomeEmail", "resizeImage"], { handlers: { welcomeEmail: noop } });
  // @ts-expect-error a subset pool with a handler for a type it does not name
  createPoolFor(["welcomeEmail"], { handlers: { welcomeEmail: noop, resizeImage: noop } });
  // @ts-expect-error a subset pool naming a type the contract does not have
  createPoolFor(["nope"], { handlers: {} });
  const wrong: Handler<{ other: number }> = noop;
  // @ts-expect-error a handler typed for another payload
  createPoolFor(["nightlyReport"], { handlers: { nightlyReport: wrong } });
}
