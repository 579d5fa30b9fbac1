import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SpanRecord } from "./traced-contract.js";

const SCRIPT = fileURLToPath(new URL("./traced-process.ts", import.meta.url));

/** Runs traced-process.ts in a child process to its end and returns the spans it printed. */
export function runTraced(env: Record<string, string>): Promise<SpanRecord[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`traced ${env["ROLE"]} process exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!) as SpanRecord[]);
    });
  });
}
