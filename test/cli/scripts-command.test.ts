/**
 * `typed-jobs scripts`, `scripts load` and `scripts prune` as a child process against a real Redis:
 * the server's typed-jobs function libraries listed, this version's loaded, other versions' deleted.
 */
import { describe, expect, it } from "vitest";
import { LUA_LIBRARY_NAME } from "../../src/redis/lua.generated.js";
import { useCli, welcome } from "./cli-fixture.js";
import { documentOf } from "./json-shapes.js";

// An older version's library, as a deploy of another typed-jobs would have left it.
const OLD = "typed_jobs_000000000000";
const OLD_LIBRARY = `#!lua name=${OLD}\nredis.register_function("${OLD}_ping", function() return 1 end)`;

describe("typed-jobs scripts", { timeout: 60_000 }, () => {
  const cli = useCli();

  it("lists the libraries, loads this version's, and prunes the others, leaving jobs to run", async () => {
    const { jobs, cli: run } = cli.namespace();
    const redis = cli.server().client();
    try {
      // The runtime's first call (and the contract it publishes) done, so nothing loads the library behind the test's back.
      await jobs.schedule("welcomeEmail", welcome);
      await redis.function("FLUSH");
      expect(documentOf("scripts", await run("scripts", "--json"))).toEqual({ libraries: [], deleted: [] });
      expect((await run("scripts")).stdout).toContain("no typed-jobs script library on the server");

      await redis.function("LOAD", OLD_LIBRARY);
      const loaded = documentOf("scripts", await run("scripts", "load", "--json"));
      expect(loaded).toEqual({
        libraries: [
          { name: LUA_LIBRARY_NAME, current: true, loadedOn: 1, primaries: 1 },
          { name: OLD, current: false, loadedOn: 1, primaries: 1 },
        ],
        deleted: [],
      });
      const table = (await run("scripts")).stdout;
      expect(table).toContain(`${LUA_LIBRARY_NAME}\tthis typed-jobs\t1 of 1`);
      expect(table).toContain(`${OLD}\tanother\t1 of 1`);

      const pruned = documentOf("scripts", await run("scripts", "prune", "--json"));
      expect(pruned).toEqual({ libraries: [{ name: LUA_LIBRARY_NAME, current: true, loadedOn: 1, primaries: 1 }], deleted: [OLD] });
      expect((await run("scripts", "prune")).stdout).toContain("nothing to delete");
      // A library other than typed-jobs' is never touched.
      await redis.function("LOAD", `#!lua name=app\nredis.register_function("app_ping", function() return 1 end)`);
      await run("scripts", "prune");
      expect(((await redis.function("LIST")) as unknown[][]).map((library) => library[1]).sort()).toEqual(["app", LUA_LIBRARY_NAME]);
      await jobs.schedule("welcomeEmail", welcome);
      expect((await jobs.counts()).total.queued).toBe(2);
    } finally {
      await redis.function("DELETE", "app").catch(() => undefined);
      redis.disconnect();
    }
  });
});
