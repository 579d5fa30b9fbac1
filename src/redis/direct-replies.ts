import type { Redis } from "ioredis";

/**
 * Makes each socket of `client` (a standalone client, or a node of a Cluster) hand its replies to
 * ioredis as they are read.
 *
 * ioredis 6 attaches its reply decoder with `stream.prependListener("data", …)` and then calls
 * `resume()`. A Node stream only marks itself as having a data listener when one is added with
 * `on`/`addListener`, and without that mark it never emits a chunk from the socket read: it buffers
 * each chunk and emits it a tick later through `read()`. The detour cost 0.5–1 µs of client CPU per
 * reply (of ~40 for an awaited EVALSHA; bench/RESULTS.md). One listener added with `on` sets the
 * mark; the decoder, prepended, still sees every chunk first.
 * Each reconnect opens a new socket, so it is added on every "connect" (ioredis emits it a tick
 * after attaching the decoder, before any reply can arrive).
 */
export function deliverRepliesDirectly(client: Redis): void {
  client.on("connect", () => client.stream.on("data", ignoreChunk));
}

function ignoreChunk(): void {}
