/**
 * `jobs-gen --check` as CI runs it: a breaking change fails naming the file and line, the type, the
 * rule, the pointer and a counterexample; `--format json` says the same as a document; a safe change
 * and a drained version pass.
 */
import { readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../../codegen/evolution/report.js";
import { repoRoot, runCli, tempDir } from "./cli-run.js";

const contract = (payload: string) =>
  `import Type from "typebox";\nimport { defineJobs } from "typed-jobs";\n\nexport default defineJobs({\n  other: { payload: Type.Object({ id: Type.String() }) },\n  /** The job that changes. */\n  invoice: { payload: ${payload} },\n});\n`;

describe("jobs-gen --check, compatibility", { timeout: 180_000 }, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function app(): { schema: string; lock: string } {
    const dir = tempDir();
    dirs.push(dir);
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    return { schema: join(dir, "jobs.schema.ts"), lock: join(dir, "jobs.lock.json") };
  }

  it("fails on a breaking change with file:line, type, rule, pointer and counterexample, as text and as JSON; passes once the old version is drained", async () => {
    const { schema, lock } = app();
    writeFileSync(schema, contract("Type.Object({ cents: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String()) })"));
    expect((await runCli(["--schema", schema])).code).toBe(0);
    writeFileSync(schema, contract("Type.Object({ cents: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String()), currency: Type.String() })"));
    const written = await runCli(["--schema", schema]);
    expect(written.code).toBe(0);
    expect(written.stderr).toMatch(/jobs\.schema\.ts:7: error: invoice v2 breaks jobs of v1 still waiting \[required-added\] at \/: "currency" became required/);

    const text = await runCli(["--schema", schema, "--check"]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/jobs\.schema\.ts:7: error: invoice v2 breaks jobs of v1 still waiting \[required-added\] at \/: "currency" became required\n {2}a property became required\n {2}counterexample: \{"cents":\d+/);
    expect(text.stderr).not.toMatch(/other v/);

    const asJson = await runCli(["--schema", schema, "--check", "--format", "json"]);
    expect(asJson.code).toBe(1);
    const report = JSON.parse(asJson.stdout) as CheckReport;
    expect(report).toMatchObject({ ok: false, schema: expect.stringMatching(/jobs\.schema\.ts$/), stale: [] });
    const invoice = report.types.find((t) => t.type === "invoice")!;
    expect(invoice).toMatchObject({ version: 2, class: "breaking", line: 7 });
    expect(invoice.findings[0]).toMatchObject({ rule: "required-added", guarantee: "waiting", against: 1, pointer: "", undecidable: false });
    expect(invoice.findings[0]!.counterexample).not.toHaveProperty("currency");
    expect(report.types.find((t) => t.type === "other")).toMatchObject({ class: "safe-for-rolling-deploy", findings: [] });

    const history = JSON.parse(readFileSync(lock, "utf8"));
    history.types.invoice[0].drained = true;
    writeFileSync(lock, JSON.stringify(history, null, 2) + "\n");
    const drained = await runCli(["--schema", schema, "--check"]);
    expect([drained.code, drained.stderr]).toEqual([0, ""]);
  });

  it("passes a change safe for waiting jobs, warning when it is not safe for a rolling deploy", async () => {
    const { schema } = app();
    writeFileSync(schema, contract("Type.Object({ cents: Type.Integer({ maximum: 100 }) })"));
    await runCli(["--schema", schema]);
    writeFileSync(schema, contract("Type.Object({ cents: Type.Integer({ maximum: 1000 }) })"));
    await runCli(["--schema", schema]);
    const check = await runCli(["--schema", schema, "--check"]);
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(/jobs\.schema\.ts:7: warning: invoice v2 is not safe for a rolling deploy beside v1 \(deploy the pools first\) \[maximum-lowered\] at \/cents/);
  });
});
