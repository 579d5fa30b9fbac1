import { createServer, type Server } from "node:http";
import { InvalidArgumentError, type Command } from "commander";
import { Registry } from "prom-client";
import { createRedisGauges } from "typed-jobs/metrics";
import { examples, targetOf } from "../command-kit.js";
import { withOperations } from "../connect.js";

/**
 * `typed-jobs metrics --port N`: serves the namespace's gauges (jobs per status, delayed jobs, the
 * oldest due job's age, paused types, live pools, running jobs), read from Redis at each scrape. It
 * runs no pool and schedules nothing: the counters and histograms come from the application.
 */
export function registerMetrics(program: Command): void {
  program
    .command("metrics")
    .description("Serve the namespace's Prometheus gauges over HTTP at /metrics, read from Redis at each scrape, until stopped")
    .requiredOption("--port <port>", "the port to listen on (0: any free port, printed)", parsePort)
    .option("--host <host>", "the address to listen on", "127.0.0.1")
    .addHelpText("after", examples("typed-jobs metrics --port 9464", "typed-jobs --namespace shop metrics --port 9464 --host 0.0.0.0"))
    .action(async (options: { port: number; host: string }, command: Command) => {
      await withOperations(targetOf(command), async (ops) => {
        const registry = createRedisGauges({ registry: new Registry(), source: ops });
        const server = createServer((request, response) => {
          if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
            response.writeHead(404).end("typed-jobs metrics: GET /metrics\n");
            return;
          }
          registry.metrics().then(
            (text) => response.writeHead(200, { "Content-Type": registry.contentType }).end(text),
            (error: unknown) => response.writeHead(500).end(`${error instanceof Error ? error.message : String(error)}\n`),
          );
        });
        await listen(server, options.port, options.host);
        const address = server.address();
        const port = typeof address === "object" && address ? address.port : options.port;
        process.stdout.write(`serving http://${options.host}:${port}/metrics\n`);
        await untilStopped();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
    });
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError("expected a port number, 0 to 65535");
  return Number(text);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
}

/** Resolves on SIGINT or SIGTERM: the server closes and the CLI exits 0. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
