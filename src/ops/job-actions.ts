import type { JobSnapshot } from "../interfaces.js";
import type { OpsContext } from "./ops-context.js";
import { notBuilt } from "./ops-context.js";

export async function retry(_ctx: OpsContext, _id: string): Promise<JobSnapshot> {
  notBuilt("retry");
}

export async function promote(_ctx: OpsContext, _id: string): Promise<JobSnapshot> {
  notBuilt("promote");
}
