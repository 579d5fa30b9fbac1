import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDashboard, type DashboardOptions } from "./dashboard.js";
import { randomToken } from "./request-guard.js";

export interface DashboardServerOptions extends Omit<DashboardOptions, "basePath" | "auth"> {
  /** Default 4000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: only this machine can connect unless another address is asked for. */
  readonly host?: string;
}

export interface DashboardServer {
  /** The server's address, e.g. http://127.0.0.1:4000/ */
  readonly url: string;
  /** The URL that signs a browser in: `url` with `?token=`. */
  readonly loginUrl: string;
  /** The token given, or the one generated. */
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** The dashboard on its own HTTP server, bound to loopback and behind a token (generated unless given). */
export async function startDashboardServer(options: DashboardServerOptions = {}): Promise<DashboardServer> {
  const token = options.token ?? randomToken();
  const dashboard = createDashboard({ ...options, token });
  const server = createServer(dashboard.handle);
  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 4000, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await dashboard.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
  return {
    url,
    loginUrl: `${url}?token=${encodeURIComponent(token)}`,
    token,
    server,
    async close() {
      await dashboard.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
