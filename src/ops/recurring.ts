import type { JobSnapshot } from "../interfaces.js";
import type { OpsContext } from "./ops-context.js";
import { notBuilt } from "./ops-context.js";

export async function readRecurring(_ctx: OpsContext): Promise<JobSnapshot[]> {
  notBuilt("recurring");
}
