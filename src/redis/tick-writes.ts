import { Redis } from "ioredis";
import type { RedisClient } from "./connection.js";

type Socket = Redis["stream"];

const corked = new WeakSet<Socket>();

/**
 * Holds the client's socket writes until the end of this tick, so that the commands sent in it
 * leave in one write: a burst of schedule calls (a web server's requests arriving together), or a
 * pool's settle and its next claim. A single awaited call still leaves before the event loop turns;
 * ioredis' auto-pipelining waits for the next turn instead. Not on Cluster, whose commands go out
 * on the connection of their node.
 */
export function writeAtEndOfTick(client: RedisClient): void {
  if (!(client instanceof Redis) || client.status !== "ready") return;
  const socket = client.stream;
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}
