import type { ScriptRunner } from "../script-runner.js";

/** pause.lua: true when the type was running until now. */
export async function pauseType(runner: ScriptRunner, type: string): Promise<boolean> {
  return (await runner.run("pause", "redis.pause", [type], [])) === 1;
}

/** resume.lua: true when the type was paused until now; an idle pool is woken when its jobs wait. */
export async function resumeType(runner: ScriptRunner, type: string): Promise<boolean> {
  return (await runner.run("resume", "redis.resume", [type], [])) === 1;
}
