/**
 * A removed entry of a queue list (includes/holes.lua): a bulk cancel overwrites a job's slot with
 * it instead of walking the list to remove it, and counts it in the holes hash until a claim pops
 * it. No job id is empty, so a reader of the list skips these and counts LLEN minus the holes.
 */
export const QUEUE_HOLE = "";
