import type { BulkOptions, BulkProgress, BulkSelection } from "../interfaces.js";
import type { OpsContext } from "./ops-context.js";
import { notBuilt } from "./ops-context.js";

export type BulkAction = "retry" | "cancel" | "destroy";

export async function runBulk(_ctx: OpsContext, action: BulkAction, _selection: BulkSelection, _options: BulkOptions = {}): Promise<BulkProgress> {
  notBuilt(`${action}All`);
}
