import type { OpsContext } from "./ops-context.js";
import { notBuilt } from "./ops-context.js";

export async function pause(_ctx: OpsContext, _type: string): Promise<void> {
  notBuilt("pause");
}

export async function resume(_ctx: OpsContext, _type: string): Promise<void> {
  notBuilt("resume");
}

export async function pausedTypes(_ctx: OpsContext): Promise<string[]> {
  notBuilt("pausedTypes");
}
