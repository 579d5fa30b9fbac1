import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { freePort, PortTakenError, waitForOwnServer, waitUntil } from "./redis-server.js";

interface Node {
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
}

/**
 * A real Redis Cluster of three masters (no replicas) on free loopback ports, each node with its own
 * data directory and an explicit cluster bus port, made with `redis-cli --cluster create`. Torn down
 * (SIGKILL, directories removed) by stop().
 */
export class RedisCluster {
  private constructor(private readonly nodes: readonly Node[]) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const nodes: Node[] = [];
    const cluster = new RedisCluster(nodes);
    try {
      for (let i = 0; i < masters; i++) nodes.push(await startNode());
      execFileSync("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"], { stdio: "ignore" });
      await waitUntil(() => nodes.every((n) => cli(n.port, "CLUSTER", "INFO").includes("cluster_state:ok")), 20_000, "cluster did not reach cluster_state:ok");
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** The ports of the masters, in creation order. */
  get ports(): number[] {
    return this.nodes.map((n) => n.port);
  }

  /** One seed node, as the library's `cluster` option takes it. */
  get seeds(): { host: string; port: number }[] {
    return [{ host: "127.0.0.1", port: this.nodes[0]!.port }];
  }

  /** The hash slot of a key, as the cluster computes it. */
  keySlot(key: string): number {
    return Number(cli(this.nodes[0]!.port, "CLUSTER", "KEYSLOT", key));
  }

  /** The port of the master that serves `slot`. */
  masterOf(slot: number): number {
    const slots = JSON.parse(execFileSync("redis-cli", ["-p", String(this.nodes[0]!.port), "--json", "CLUSTER", "SLOTS"]).toString()) as [number, number, [string, number, string]][];
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`slot ${slot} is not served`);
    return range[2][1];
  }

  /** A plain ioredis Cluster client for test assertions and seeding (not the library's). */
  client(): Cluster {
    const client = new Cluster(this.seeds, { redisOptions: { protocol: 2 } });
    client.on("error", () => undefined);
    return client;
  }

  /** A plain client on one node, for looking at what that shard holds. */
  nodeClient(port: number): Redis {
    const client = new Redis({ host: "127.0.0.1", port, protocol: 2 });
    client.on("error", () => undefined);
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map(async (node) => {
      if (node.child.exitCode === null) {
        const exited = new Promise((resolve) => node.child.once("exit", resolve));
        node.child.kill("SIGKILL");
        await exited;
      }
      rmSync(node.dir, { recursive: true, force: true });
    }));
  }
}

/** A node answering on its port; on other ports when another test file's server took one first. */
async function startNode(): Promise<Node> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const busPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "typed-jobs-cluster-"));
    const child = spawn("redis-server", [
      "--port", String(port), "--cluster-port", String(busPort), "--bind", "127.0.0.1", "--dir", dir,
      "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
      "--save", "", "--appendonly", "no",
    ], { stdio: "ignore" });
    try {
      await waitForOwnServer(child, port);
      return { port, dir, child };
    } catch (error) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      // The port or the bus port was taken between the probe and the bind (redis-server exits).
      if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
    }
  }
}

function cli(port: number, ...args: string[]): string {
  try {
    return execFileSync("redis-cli", ["-p", String(port), ...args], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return "";
  }
}
