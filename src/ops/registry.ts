import type { RegisteredContract } from "../interfaces.js";
import type { OpsContext } from "./ops-context.js";
import { notBuilt } from "./ops-context.js";

export async function readContracts(_ctx: OpsContext): Promise<RegisteredContract[]> {
  notBuilt("contracts");
}
