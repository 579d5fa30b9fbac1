import type { ScriptRunner } from "../script-runner.js";
import type { JobCommandReply } from "./job-commands.js";

/** retry.lua for a job of a known type: 'state' names the status it refused. */
export async function retryJob(runner: ScriptRunner, type: string, id: string): Promise<JobCommandReply<"queued" | "state" | "corrupt">> {
  const [code, detail] = (await runner.run("retry", "redis.retry", [type], [id])) as [string, string];
  return { code: code as "queued", detail };
}

/** promoteJob.lua for a job of a known type: 'due' when it was due already (unchanged). */
export async function promoteJob(runner: ScriptRunner, type: string, id: string): Promise<JobCommandReply<"promoted" | "due" | "state" | "corrupt">> {
  const [code, detail] = (await runner.run("promoteJob", "redis.promoteJob", [type], [id])) as [string, string];
  return { code: code as "promoted", detail };
}
