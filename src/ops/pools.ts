import type { PoolInfo } from "../interfaces.js";
import type { OpsContext } from "./ops-context.js";
import { notBuilt } from "./ops-context.js";

export async function readPools(_ctx: OpsContext): Promise<PoolInfo[]> {
  notBuilt("pools");
}
