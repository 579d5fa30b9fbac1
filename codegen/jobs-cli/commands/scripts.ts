import type { Command } from "commander";
import type { Operations, ScriptLibrary } from "typed-jobs";
import { connected, examples } from "../command-kit.js";
import type { Output } from "../output.js";

/** `typed-jobs scripts [load|prune] --json` (docs/cli.md). */
export interface ScriptsJson {
  readonly libraries: readonly ScriptLibrary[];
  /** The libraries `prune` deleted (empty for the others). */
  readonly deleted: readonly string[];
}

async function report(out: Output, ops: Operations, deleted: readonly string[], done?: string): Promise<void> {
  const doc: ScriptsJson = { libraries: await ops.scriptLibraries(), deleted };
  if (out.json) return out.document(doc);
  if (done) out.line(done);
  if (doc.libraries.length === 0) return out.line("no typed-jobs script library on the server: the first call of a process loads it");
  out.table(
    ["library", "version", "primaries"],
    doc.libraries.map((library) => [library.name, library.current ? "this typed-jobs" : "another", `${library.loadedOn} of ${library.primaries}`]),
  );
}

/**
 * A `scripts` action: `act` (nothing for the listing) returns what it deleted and a line saying what
 * it did; the libraries are listed after it. The first read is that list: the default one (counts)
 * calls a script, which would load the library these commands look at.
 */
function scriptsAction(act: (ops: Operations) => Promise<{ deleted: readonly string[]; done?: string }> = async () => ({ deleted: [] })) {
  return connected<object, []>(
    async ({ out, ops }) => {
      const { deleted, done } = await act(ops);
      await report(out, ops, deleted, done);
    },
    undefined,
    (ops) => ops.scriptLibraries(),
  );
}

export function registerScripts(program: Command): void {
  const scripts = program
    .command("scripts")
    .description("The scripts' Redis function libraries on the server, one per typed-jobs version (server-wide, not per namespace)")
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs scripts", "typed-jobs scripts load", "typed-jobs scripts prune --json"))
    .action(scriptsAction());
  scripts
    .command("load")
    .description("Load this version's library (on every primary), as a process's first call would: before a deploy whose Redis user may not load it")
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs scripts load", "typed-jobs --redis redis://admin:secret@redis.internal:6379 scripts load --json"))
    .action(
      scriptsAction(async (ops) => {
        await ops.loadScripts();
        return { deleted: [], done: "loaded" };
      }),
    );
  scripts
    .command("prune")
    .description("Delete every other version's library; a process of such a version still running loads its own again at its next call")
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs scripts prune", "typed-jobs scripts prune --json"))
    .action(
      scriptsAction(async (ops) => {
        const deleted = await ops.pruneScriptLibraries();
        return { deleted, done: deleted.length === 0 ? "nothing to delete" : `deleted ${deleted.join(", ")}` };
      }),
    );
}
