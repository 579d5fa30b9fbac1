import { createServer, connect, type Server, type Socket } from "node:net";
import { freePort } from "./redis-server.js";

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
}

/**
 * A loopback TCP proxy in front of a redis-server, so a test can cut clients off from Redis (a
 * network partition) while their process keeps running: `cut()` drops every connection, and
 * `cutWhere()` only some, and both refuse new connections until `heal()`. Nothing else in the
 * process is affected.
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  private isCut = false;

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const port = await freePort();
    let proxy!: TcpProxy;
    const server = createServer((client) => {
      if (proxy.isCut) return void client.destroy();
      const link = { client, upstream: connect(targetPort, "127.0.0.1") };
      proxy.links.add(link);
      for (const [a, b] of [[link.client, link.upstream], [link.upstream, link.client]] as const) {
        a.on("error", () => b.destroy());
        a.on("close", () => (proxy.links.delete(link), b.destroy()));
        a.pipe(b);
      }
    });
    proxy = new TcpProxy(server, port);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.cutWhere(() => true);
  }

  /**
   * Drops the connections whose upstream socket has the given local port (the port CLIENT LIST
   * shows in `addr=`), and refuses new connections.
   */
  cutWhere(match: (upstreamLocalPort: number | undefined) => boolean): void {
    this.isCut = true;
    for (const link of this.links) {
      if (match(link.upstream.localPort)) link.client.destroy();
    }
  }

  /** Accepts connections again; clients that reconnect find Redis as it is now. */
  heal(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
