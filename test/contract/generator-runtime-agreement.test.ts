/**
 * One table of job definitions the runtime refuses. For each: createJobs refuses the job type with
 * InvalidJobTypeError naming the type and the field; the schedule path refuses the same value on
 * its own (as a per-call option, or as the keys of the type name); and jobs-gen, run as a user runs
 * it on a schema file holding the definition, refuses it first: exit 2 and `<file>:<line>: error:`
 * naming the job and the field. A good definition passes all three and its generated module schedules.
 */
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createJobs, InvalidJobTypeError, InvalidOptionError, type ScheduleOptions } from "typed-jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeySpace } from "../../src/redis/keys.js";
import { repoRoot, runCli, tempDir, type CliResult } from "../codegen/cli-run.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";

interface Row {
  readonly title: string;
  /** The job name, the key in defineJobs({...}). */
  readonly name: string;
  /** The definition's options, as the runtime receives them. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The field the refusal names. */
  readonly field: string;
  /** The options as written in the schema file, when not `fields` as literals. */
  readonly source?: string;
}

const bad: readonly Row[] = [
  { title: "a name with $", name: "a$b", fields: {}, field: "name" },
  { title: "a name starting with a digit", name: "1x", fields: {}, field: "name" },
  { title: "a name with a hyphen", name: "welcome-email", fields: {}, field: "name" },
  { title: "retries 1001", name: "retriesOver", fields: { retries: 1001 }, field: "retries" },
  { title: "retries -1", name: "retriesNegative", fields: { retries: -1 }, field: "retries" },
  { title: "retries 1.5", name: "retriesFraction", fields: { retries: 1.5 }, field: "retries" },
  { title: "retries as text", name: "retriesText", fields: { retries: "3" }, field: "retries" },
  { title: "priority 2000", name: "priorityOver", fields: { priority: 2000 }, field: "priority" },
  { title: "priority -1025", name: "priorityUnder", fields: { priority: -1025 }, field: "priority" },
  { title: "priority 0.5", name: "priorityFraction", fields: { priority: 0.5 }, field: "priority" },
  { title: 'timeout "soon"', name: "timeoutText", fields: { timeout: "soon" }, field: "timeout" },
  { title: "timeout -5", name: "timeoutNegative", fields: { timeout: -5 }, field: "timeout" },
  { title: 'timeout "30d", past what a timer can hold', name: "timeoutHuge", fields: { timeout: "30d" }, field: "timeout" },
  { title: 'backoff {type:"fixed"} without delay', name: "backoffNoDelay", fields: { backoff: { type: "fixed" } }, field: "backoff.delay" },
  { title: 'backoff "linear"', name: "backoffLinear", fields: { backoff: "linear" }, field: "backoff" },
  { title: 'backoff {type:"random"}', name: "backoffRandom", fields: { backoff: { type: "random" } }, field: "backoff" },
  { title: "backoff with a bad base", name: "backoffBase", fields: { backoff: { type: "exponential", base: "fast" } }, field: "backoff.base" },
  { title: "backoff with a negative cap", name: "backoffMax", fields: { backoff: { type: "exponential", max: -1 } }, field: "backoff.max" },
  // What the schema module evaluates to counts, not the literal text: the spread wins over retries: 1.
  { title: "retries overridden by a spread", name: "retriesSpread", fields: { retries: 1001 }, source: "retries: 1, ...{ retries: 1001 }", field: "retries" },
  { title: "timeout computed", name: "timeoutComputed", fields: { timeout: "soon" }, source: 'timeout: ["so", "on"].join("")', field: "timeout" },
];

const good: Row = {
  title: "a good definition",
  name: "good_job",
  fields: { retries: 1000, priority: -1024, timeout: "1h30m", backoff: { type: "exponential", base: "2s", max: "1m", jitter: false } },
  field: "",
};

/** Each row on its own line, from line 5: `<name>: { payload, <options> },`. */
function schemaText(rows: readonly Row[]): string {
  const entry = (row: Row) => {
    const options = row.source ?? Object.entries(row.fields).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(", ");
    return `  ${JSON.stringify(row.name)}: { payload: Type.Object({}), ${options} },`;
  };
  return ['import Type from "typebox";', 'import { defineJobs } from "typed-jobs";', "", "export default defineJobs({", ...rows.map(entry), "});", ""].join("\n");
}
const lineOf = (index: number) => 5 + index;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory outside the repo that resolves packages as an app would (node_modules, ESM). */
function appDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  return dir;
}

async function generate(rows: readonly Row[]): Promise<{ schema: string; outDir: string; result: CliResult }> {
  const dir = appDir();
  const schema = join(dir, "jobs.schema.ts");
  writeFileSync(schema, schemaText(rows));
  const outDir = join(dir, "out");
  mkdirSync(outDir);
  return { schema, outDir, result: await runCli(["--schema", schema, "--out", join(outDir, "jobs.generated.ts")]) };
}

const typesOf = (row: Row) => ({ [row.name]: jobType(row.name, anyPayload, row.fields) });

describe("every job definition the runtime refuses, jobs-gen refuses first", { timeout: 180_000 }, () => {
  let run: Awaited<ReturnType<typeof generate>>;
  beforeAll(async () => {
    run = await generate(bad);
  }, 180_000);

  it("jobs-gen exits 2 and writes nothing", () => {
    expect(run.result.code).toBe(2);
    expect(run.result.stdout).toBe("");
    expect(readdirSync(run.outDir)).toEqual([]);
  });

  describe.each(bad.map((row, index) => [row.title, row, index] as const))("%s", (_title, row, index) => {
    it(`createJobs refuses it, naming the type and ${row.field}`, () => {
      let error: unknown;
      try {
        createJobs(typesOf(row));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidJobTypeError);
      expect(error).toMatchObject({ code: "INVALID_OPTION", op: "createJobs", jobType: row.name, field: row.field });
      expect((error as Error).message).toContain(`job type ${JSON.stringify(row.name)}: ${row.field} `);
    });

    it("the schedule path refuses the same value on its own", async () => {
      if (row.field === "name") {
        expect(() => new KeySpace("tj:", "agreement").forType(row.name)).toThrow(InvalidOptionError);
        return;
      }
      const jobs = createJobs({ plain: jobType("plain", anyPayload) });
      const error: unknown = await jobs.schedule("plain", {}, row.fields as ScheduleOptions).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ option: row.field });
    });

    it(`jobs-gen refuses it at line ${lineOf(index)}, naming the job and ${row.field}`, () => {
      const lines = run.result.stderr.split("\n").filter((line) => line.startsWith(`${run.schema}:${lineOf(index)}: error: `));
      expect(lines, run.result.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`: error: job ${JSON.stringify(row.name)}: ${row.field} `);
    });
  });
});

describe("a good definition", { timeout: 180_000 }, () => {
  const redis = useRedis();

  it("passes jobs-gen, createJobs and a schedule through the generated module, keeping its defaults", async () => {
    expect(() => createJobs(typesOf(good))).not.toThrow();
    const { outDir, result } = await generate([good]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const generated = (await import(pathToFileURL(join(outDir, "jobs.generated.ts")).href)) as {
      configureJobs(options: object): void;
      closeJobs(): Promise<void>;
      scheduleGoodJob(payload: object): Promise<{ retries: number; priority: number }>;
    };
    generated.configureJobs({ redis: redis.server().url, namespace: `agreement-${process.pid}` });
    try {
      expect(await generated.scheduleGoodJob({})).toMatchObject({ retries: 1000, priority: -1024 });
    } finally {
      await generated.closeJobs();
    }
  });
});
