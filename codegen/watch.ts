/**
 * `jobs-gen --watch`: regenerates when the schema or a project file it imports changes. Directories
 * are watched rather than files, since editors often replace a file instead of writing into it;
 * the set of files is read again after every run, as an edit can add or drop an import.
 */
import { watch, type FSWatcher } from "node:fs";
import { dirname, resolve } from "node:path";
import { importedFiles } from "./load-module.js";

/** Runs `generate` now and after every change of the schema or its imports, until the process ends. */
export async function watchSchema(schema: string, generate: () => Promise<void>): Promise<void> {
  const watchers = new Map<string, FSWatcher>();
  let files = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();

  const follow = () => {
    files = new Set([schema, ...importedFiles(schema)]);
    const dirs = new Set([...files].map((file) => dirname(file)));
    for (const [dir, watcher] of watchers) {
      if (!dirs.has(dir)) (watcher.close(), watchers.delete(dir));
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      watchers.set(dir, watch(dir, (_event, name) => {
        if (name !== null && !files.has(resolve(dir, name))) return;
        clearTimeout(timer);
        timer = setTimeout(() => void (running = running.then(run)), 100);
      }));
    }
  };
  const run = async () => {
    await generate();
    follow();
  };
  await run();
}
