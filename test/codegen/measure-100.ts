/**
 * Measures how long jobs-gen takes for a 100-type contract (a script, not a test: speed is reported,
 * never asserted). Run: `npx tsx test/codegen/measure-100.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { generate } from "../../codegen/generate.js";

const entry = (i: number) => `  /** Job number ${i}. */
  job${i}: {
    payload: Type.Object({
      id: Type.String({ format: "uuid" }),
      email: Type.String({ format: "email" }),
      code: Type.String({ pattern: "^J${i}-[0-9]{4}$" }),
      count: Type.Integer({ minimum: 0, maximum: ${i + 10} }),
      tags: Type.Array(Type.String({ minLength: 1 }), { maxItems: 5 }),
      mode: Type.Union([Type.Literal("a"), Type.Literal("b")]),
      nested: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() })),
    }),
    retries: ${i % 5},
  },`;

// Inside the repo, so the contract resolves "typebox" and "typed-jobs" as a user's would; removed afterwards.
const dir = mkdtempSync(join(fileURLToPath(new URL(".", import.meta.url)), ".measure-"));
const schema = join(dir, "jobs.schema.ts");
writeFileSync(schema, `import Type from "typebox";\nimport { defineJobs } from "typed-jobs";\n\nexport default defineJobs({\n${Array.from({ length: 100 }, (_, i) => entry(i)).join("\n")}\n});\n`);
const runs: number[] = [];
let bytes = 0;
for (let run = 0; run < 3; run++) {
  const start = performance.now();
  const result = await generate(schema, join(dir, "jobs.generated.ts"));
  runs.push(performance.now() - start);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  bytes = result.text.length;
}
rmSync(dir, { recursive: true, force: true });
console.log(`100 job types: ${runs.map((ms) => `${ms.toFixed(0)} ms`).join(", ")} (in-process generate, incl. loading the module); output ${(bytes / 1024).toFixed(0)} KiB`);
