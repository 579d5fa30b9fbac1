import type { ScriptRunner } from "../script-runner.js";

/**
 * listQueued.lua: ids of one type's queued jobs at positions offset.. of the order a claim takes
 * them, at most `limit`; reads only the page. A page of the queue list reads at most `maxHolesRead`
 * entries past it for holes.
 */
export async function listQueued(runner: ScriptRunner, type: string, offset: number, limit: number, maxHolesRead: number): Promise<string[]> {
  const count = Math.floor(limit);
  if (count <= 0) return [];
  return (await runner.run("listQueued", "listJobs", [type], [Math.max(0, Math.floor(offset)), count, maxHolesRead])) as string[];
}
