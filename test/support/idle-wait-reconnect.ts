import { expect } from "vitest";
import type { Redis } from "ioredis";
import type { IdleWait } from "../../src/pool/idle-wait.js";
import { waitUntil } from "./redis-server.js";

/**
 * The reconnect case of a pool's idle wait, on whichever server its pops block (a standalone Redis,
 * or the Cluster master that serves the namespace): a wait of three pending pops loses its blocking
 * connection, ioredis sends the pops again, the first takes a job pushed to `handoff`, and a close's
 * interrupt then unblocks the next wait's pops at once, well inside the 5 s each would wait.
 */
export async function expectInterruptAfterReconnect(wait: IdleWait, server: Redis, handoff: string): Promise<void> {
  const blockedClients = async () => Number(/blocked_clients:(\d+)/.exec(await server.info("clients"))![1]);
  const first = wait.wait(5000, 3);
  await waitUntil(async () => (await blockedClients()) === 1);
  const blockedId = /id=(\d+) [^\n]* flags=b /.exec(String(await server.client("LIST")))![1]!;
  await server.client("KILL", "ID", blockedId);
  // The pops are sent again on the new connection; the first takes a job, and the next wait tops them up.
  await waitUntil(async () => (await blockedClients()) === 1);
  await server.rpush(handoff, '2:j1{"t":"alpha","at":1}\n{}');
  expect(await first).toMatchObject({ kind: "handoff", job: { id: "j1" } });
  const waiting = wait.wait(5000, 3);
  expect(wait.pending).toBe(3);
  const startedAt = performance.now();
  await wait.interrupt();
  expect(performance.now() - startedAt).toBeLessThan(2000);
  expect(await waiting).toEqual({ kind: "ended" });
  expect(wait.pending).toBe(0);
  expect(await blockedClients()).toBe(0);
}
