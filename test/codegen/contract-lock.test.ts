/**
 * jobs.lock.json: identities ignore doc keywords, versions are appended and never rewritten, the
 * first lock keeps the hashes jobs were stamped with before, and a hand-edited lock is refused.
 */
import { readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withoutDocs } from "../../codegen/evolution/canonicalize.js";
import { contractIdentity } from "../../codegen/evolution/identity.js";
import { lockPathFor, lockText, parseLock, updateLock } from "../../codegen/evolution/lock-file.js";
import type { JsonValue } from "../../codegen/model.js";
import { schemaHash } from "../../codegen/schema-json.js";
import { repoRoot, runCli, tempDir } from "./cli-run.js";

const v1: JsonValue = { type: "object", required: ["description"], properties: { description: { type: "string", description: "what it is" } } };
const v1Redocumented: JsonValue = { type: "object", title: "Item", required: ["description"], properties: { description: { type: "string", description: "said otherwise", examples: ["x"], $comment: "c" } } };
const v2: JsonValue = { type: "object", required: ["description"], properties: { description: { type: "string", minLength: 1 } } };

describe("contract identity", () => {
  it("drops doc keywords at schema positions only, never a property of that name", () => {
    expect(withoutDocs(v1Redocumented)).toEqual({ type: "object", required: ["description"], properties: { description: { type: "string" } } });
  });
  it("is the same across doc edits and key order, and differs by version and by schema", () => {
    expect(contractIdentity(1, v1)).toBe(contractIdentity(1, v1Redocumented));
    expect(contractIdentity(1, v1)).toBe(contractIdentity(1, { properties: { description: { type: "string" } }, required: ["description"], type: "object" }));
    expect(contractIdentity(2, v1)).not.toBe(contractIdentity(1, v1));
    expect(contractIdentity(1, v2)).not.toBe(contractIdentity(1, v1));
    expect(contractIdentity(1, v1)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("the lock", () => {
  const first = updateLock(undefined, [{ name: "item", schema: v1 }]);

  it("starts at version 1 and records the hash jobs were stamped with before locks", () => {
    expect(first.changes).toEqual([{ type: "item", version: 1 }]);
    expect(first.lock.types.item).toEqual([{ version: 1, identity: contractIdentity(1, v1), schema: withoutDocs(v1), legacyHashes: [schemaHash(v1)] }]);
  });
  it("adds no version for a doc edit", () => {
    const again = updateLock(first.lock, [{ name: "item", schema: v1Redocumented }]);
    expect(again.changes).toEqual([]);
    expect(lockText(again.lock)).toBe(lockText(first.lock));
  });
  it("appends a version for a schema change, keeps the earlier ones, and gives a new type version 1 without legacy hashes", () => {
    const next = updateLock(first.lock, [{ name: "item", schema: v2 }, { name: "fresh", schema: v1 }]);
    expect(next.changes).toEqual([{ type: "item", version: 2 }, { type: "fresh", version: 1 }]);
    expect(next.lock.types.item![0]).toEqual(first.lock.types.item![0]);
    expect(next.lock.types.item![1]).toEqual({ version: 2, identity: contractIdentity(2, v2), schema: v2 });
    expect(next.lock.types.fresh).toEqual([{ version: 1, identity: contractIdentity(1, v1), schema: withoutDocs(v1) }]);
    expect(Object.keys(next.lock.types)).toEqual(["fresh", "item"]);
  });
  it("keeps a type the contract no longer declares", () => {
    expect(Object.keys(updateLock(first.lock, [{ name: "other", schema: v1 }]).lock.types)).toEqual(["item", "other"]);
  });
  it("reads back what it writes, and refuses an identity that is not its version's and schema's hash", () => {
    const text = lockText(first.lock);
    expect(parseLock(JSON.parse(text))).toEqual({ lock: JSON.parse(text) });
    const edited = JSON.parse(text.replace('"type": "string"', '"type": "number"'));
    expect(parseLock(edited).problem).toMatch(/type "item" version 1: its identity is not the hash of its version and schema/);
    expect(parseLock({ types: {} }).problem).toMatch(/lockFormat/);
  });
  it("lives beside the schema, named after it", () => {
    expect(lockPathFor("/app/jobs.schema.ts")).toBe("/app/jobs.lock.json");
    expect(lockPathFor("/app/signup-v1.schema.ts")).toBe("/app/signup-v1.lock.json");
    expect(lockPathFor("/app/contract.ts")).toBe("/app/contract.lock.json");
  });
});

describe("jobs-gen and the lock", { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const contract = (payload: string) => `import Type from "typebox";\nimport { defineJobs } from "typed-jobs";\n\nexport default defineJobs({\n  item: { payload: ${payload} },\n});\n`;

  it("writes the lock beside the schema, stamps its identity, and keeps it across a doc edit; --check fails while the lock is stale", async () => {
    const dir = tempDir();
    dirs.push(dir);
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    const schema = join(dir, "jobs.schema.ts");
    writeFileSync(schema, contract('Type.Object({ name: Type.String({ description: "who" }) })'));
    expect((await runCli(["--schema", schema])).code).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "jobs.lock.json"), "utf8"));
    const identity = lock.types.item[0].identity as string;
    expect(readFileSync(join(dir, "jobs.generated.ts"), "utf8")).toContain(`schemaHash: "${identity}",`);

    writeFileSync(schema, contract('Type.Object({ name: Type.String({ description: "the name" }) })'));
    const redocumented = await runCli(["--schema", schema]);
    expect(redocumented.stdout).not.toMatch(/lock/);
    expect(readFileSync(join(dir, "jobs.generated.ts"), "utf8")).toContain(`schemaHash: "${identity}",`);
    expect((await runCli(["--schema", schema, "--check"])).code).toBe(0);

    writeFileSync(schema, contract("Type.Object({ name: Type.String(), age: Type.Optional(Type.Integer()) })"));
    const stale = await runCli(["--schema", schema, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/jobs\.lock\.json is stale/);
    const written = await runCli(["--schema", schema]);
    expect(written.stdout).toMatch(/jobs\.lock\.json updated; item v2/);
    const after = JSON.parse(readFileSync(join(dir, "jobs.lock.json"), "utf8"));
    expect(after.types.item.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(after.types.item[0]).toEqual(lock.types.item[0]);
  });
});
