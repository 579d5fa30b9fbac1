/*
 * Template of a payload type in the generated module (markers as in templates/module.ts):
 * `__PAYLOAD_TYPE__` is replaced by the TypeScript type written out from the JSON Schema.
 */
type __PAYLOAD_TYPE__ = { stub: true };

// @jobs:template payload-type
/**
 * The payload of a __JOB_NAME__ job.
 * @jobs:doc
 */
export type __TYPE_NAME__Payload = __PAYLOAD_TYPE__;
// @jobs:end
