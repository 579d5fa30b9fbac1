/**
 * Jobs each library runs, one a millisecond as the measured ones, before a latency row measures: V8
 * optimises a path's hot functions only after thousands of runs, and until it has, its compiler threads
 * take the CPU from the processes being measured, more of it the more code the path runs. A service
 * that has run a while is past that; this is what "warm" means for these rows. The full collection of
 * what start-up left (collectGarbage) comes before the warm-up: it also discards optimised code.
 */
export const LATENCY_WARMUP_JOBS = 6000;
