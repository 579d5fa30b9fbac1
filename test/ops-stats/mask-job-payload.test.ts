import Type from "typebox";
import { describe, expect, it } from "vitest";
import { maskJobPayload, newestContract, openOperations, Sensitive, SENSITIVE_MASK, UNREGISTERED_PAYLOAD, type JobType } from "typed-jobs";
import { jobType, useRedis } from "../support/setup.js";
import { waitUntil } from "../support/redis-server.js";

// maskJobPayload(): what a tool (the CLI, the dashboard) shows of a job read through openOperations.
// Masked by the type's registered schema; with none it fails closed: the payload is hidden.

const { server, bundle } = useRedis();

type M = { hook: { url: string; secret: string } };
const hookSchema = Type.Object({ url: Type.String(), secret: Sensitive(Type.String()) });
const types = { hook: { ...jobType<M["hook"]>("hook", () => true), schema: hookSchema, schemaHash: "hash-hook-1" } satisfies JobType<M["hook"]> };

describe("maskJobPayload()", () => {
  it("masks by the registered schema; hides the payload of a type with none unless told to show it; changes nothing else", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const job = await jobs.schedule("hook", { url: "https://example.test/hook", secret: "s3cr3t-value-123" });
    const ops = openOperations({ redis: server().url, namespace });
    try {
      await waitUntil(async () => (await ops.contracts()).length === 1);
      const snapshot = await ops.findJob(job.id);
      const schema = newestContract(await ops.contracts(), "hook")?.schema;
      const masked = maskJobPayload(snapshot, schema);
      expect(masked).toEqual({ ...snapshot, payload: { url: "https://example.test/hook", secret: SENSITIVE_MASK } });

      // A type no runtime registered (or a registry that was lost): nothing says which fields are secret.
      expect(maskJobPayload(snapshot, undefined)).toEqual({ ...snapshot, payload: UNREGISTERED_PAYLOAD });
      expect(maskJobPayload(snapshot, undefined, { showUnregistered: false }).payload).toBe(UNREGISTERED_PAYLOAD);
      const shown = maskJobPayload(snapshot, undefined, { showUnregistered: true });
      expect(shown).toEqual(snapshot);
      expect(shown.payload).not.toBe(snapshot.payload);
      // The snapshot given is left as it was.
      expect(snapshot.payload).toEqual({ url: "https://example.test/hook", secret: "s3cr3t-value-123" });
    } finally {
      await ops.close();
    }
  });
});
