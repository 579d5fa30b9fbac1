import { InvalidArgumentError, Option, type Command } from "commander";
import { startDashboardServer } from "typed-jobs/dashboard";
import { usageError } from "../cli-error.js";
import { examples, targetOf } from "../command-kit.js";
import { redactUrl } from "../redis-target.js";

interface DashboardFlags {
  readonly port: number;
  readonly host: string;
  readonly token?: string;
  readonly readOnly?: boolean;
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError("expected a port number, 0 to 65535");
  return Number(text);
}

export function registerDashboard(program: Command): void {
  program
    .command("dashboard")
    .description("Serve the web dashboard of the namespace (loopback only and behind a token unless told otherwise) until Ctrl-C")
    .addOption(new Option("--port <port>", "the port to listen on (0: any free port)").argParser(parsePort).default(4000))
    .option("--host <address>", "the address to bind; 0.0.0.0 exposes the dashboard to the network", "127.0.0.1")
    .addOption(new Option("--token <token>", "the token the browser must present (default: a new random one, printed)").env("TYPED_JOBS_DASHBOARD_TOKEN"))
    .option("--read-only", "refuse every action (retry, cancel, destroy, promote, pause, bulk): look, do not touch")
    .addHelpText("after", examples("typed-jobs dashboard", "typed-jobs --namespace shop dashboard --port 8080 --read-only", "TYPED_JOBS_DASHBOARD_TOKEN=... typed-jobs dashboard --host 0.0.0.0"))
    .action(async (flags: DashboardFlags, command: Command) => {
      const target = targetOf(command);
      if (flags.token !== undefined && flags.token.length < 16) throw usageError("--token must be at least 16 characters: it is all that guards the dashboard");
      let dashboard;
      try {
        dashboard = await startDashboardServer({
          redis: target.redis,
          namespace: target.namespace,
          prefix: target.prefix,
          port: flags.port,
          host: flags.host,
          readOnly: flags.readOnly === true,
          showUnregistered: target.showUnregistered,
          ...(flags.token !== undefined ? { token: flags.token } : {}),
        });
      } catch (error) {
        throw usageError(`cannot start the dashboard on ${flags.host}:${flags.port}: ${error instanceof Error ? error.message : String(error)}`);
      }
      console.log(`typed-jobs dashboard: namespace ${target.namespace} on ${redactUrl(target.redis)}${flags.readOnly ? " (read-only)" : ""}`);
      console.log(flags.token === undefined ? `  open ${dashboard.loginUrl}` : `  open ${dashboard.url}?token=<your token>`);
      if (!["127.0.0.1", "::1", "localhost"].includes(flags.host)) console.log(`  listening on ${flags.host}: anyone who can reach it and holds the token can act on jobs`);
      console.log("  Ctrl-C stops it");
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await dashboard.close();
    });
}
