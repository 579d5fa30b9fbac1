/** The typed schedule functions of one job: one, bulk (one round trip) and recurring. */
import type { EmitContext, EmitJob } from "./emit-context.js";
import { fillTemplate, templateSection } from "./templates.js";

export function emitSchedule(_ctx: EmitContext, job: EmitJob): string {
  return fillTemplate(templateSection("job", "schedule"), {
    tokens: { __JOB_NAME__: job.name, __TYPE_NAME__: job.typeName },
    doc: job.doc,
  });
}
