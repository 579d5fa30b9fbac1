import { createServer, type Server, type Socket } from "node:net";

/**
 * A TCP listener on a loopback port that accepts every connection and never answers: a stuck Redis,
 * or a half-open proxy in front of one. What it is sent is read and dropped.
 */
export class SilentServer {
  private constructor(private readonly server: Server, readonly port: number, private readonly sockets: Set<Socket>) {}

  static async start(): Promise<SilentServer> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("data", () => undefined);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new SilentServer(server, (server.address() as { port: number }).port, sockets);
  }

  /** Connections accepted and still open. */
  get connections(): number {
    return this.sockets.size;
  }

  url(password?: string): string {
    return `redis://${password ? `user:${password}@` : ""}127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
