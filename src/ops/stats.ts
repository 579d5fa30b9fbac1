import type { Stats, ThroughputPoint } from "../interfaces.js";
import type { OpsContext } from "./ops-context.js";
import { notBuilt } from "./ops-context.js";

export async function readStats(_ctx: OpsContext): Promise<Stats> {
  notBuilt("stats");
}

export async function readThroughput(_ctx: OpsContext, _type: string, _minutes: number): Promise<ThroughputPoint[]> {
  notBuilt("throughput");
}
