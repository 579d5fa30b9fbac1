import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createJobs, RedisUnavailableError, type Jobs } from "typed-jobs";
import { createRedisClient } from "../../src/redis/connection.js";
import { freePort, RedisServer, waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType } from "../support/setup.js";

type M = { ping: { n: number } };
const types = { ping: jobType<{ n: number }>("ping", anyPayload) };

/** A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", at("ca.key"), "-out", at("ca.crt"), "-days", "2", "-subj", "/CN=typed-jobs test CA");
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", at("server.key"), "-out", at("server.csr"), "-subj", "/CN=localhost");
  writeFileSync(at("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl("x509", "-req", "-in", at("server.csr"), "-CA", at("ca.crt"), "-CAkey", at("ca.key"), "-CAcreateserial", "-out", at("server.crt"), "-days", "2", "-extfile", at("ext.cnf"));
  return { ca: at("ca.crt"), cert: at("server.crt"), key: at("server.key") };
}

describe("TLS (rediss://) to a redis-server with a test CA", () => {
  let dir: string;
  let server: RedisServer;
  let tlsPort: number;
  let ca: string;
  const open: { close(): Promise<void> }[] = [];
  const runtime = (redis: Parameters<typeof createJobs>[1] extends infer O ? (O extends { redis?: infer R } ? R : never) : never, namespace: string): Jobs<M> => {
    const jobs = createJobs<M>(types, { redis, namespace });
    open.push(jobs);
    return jobs;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "typed-jobs-tls-"));
    const files = makeCertificates(dir);
    ca = readFileSync(files.ca, "utf8");
    tlsPort = await freePort();
    server = await RedisServer.start({
      extraArgs: ["--tls-port", String(tlsPort), "--tls-cert-file", files.cert, "--tls-key-file", files.key, "--tls-ca-cert-file", files.ca, "--tls-auth-clients", "no"],
    });
  });
  afterAll(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("schedules and runs a job over rediss:// when the client trusts the CA", async () => {
    for (const [host, namespace] of [["127.0.0.1", "tls-ip"], ["localhost", "tls-name"]] as const) {
      const jobs = runtime({ url: `rediss://${host}:${tlsPort}`, tls: { ca } }, namespace);
      const ran: number[] = [];
      const pool = jobs.createPool({ handlers: { ping: ({ n }) => void ran.push(n) }, idleWait: "200ms" });
      open.unshift(pool);
      await pool.start();
      const job = await jobs.schedule("ping", { n: 1 });
      await waitUntil(() => ran.includes(1));
      await waitUntil(async () => (await jobs.findJob(job.id)).status === "finished");
    }
    // The jobs are in the server the TLS port fronts.
    expect(server.cli("HLEN", "tj:{tls-ip}:jobs")).toBe("1");
    expect(server.cli("HLEN", "tj:{tls-name}:jobs")).toBe("1");
  });

  it("merges a rediss:// URL with tls options: both the CA and a host name check", () => {
    const named = createRedisClient({ url: `rediss://localhost:${tlsPort}`, tls: { ca }, lazyConnect: true }) as Redis;
    const byIp = createRedisClient({ url: `rediss://127.0.0.1:${tlsPort}`, tls: { ca }, lazyConnect: true }) as Redis;
    const plain = createRedisClient({ url: `redis://127.0.0.1:${server.port}`, lazyConnect: true }) as Redis;
    try {
      expect(named.options.tls).toMatchObject({ ca, servername: "localhost" });
      // RFC 6066 forbids an IP address as SNI server name; the certificate is still checked against the IP.
      expect(byIp.options.tls).toEqual({ ca });
      expect(plain.options.tls).toBeUndefined();
    } finally {
      for (const c of [named, byIp, plain]) c.disconnect();
    }
  });

  it("refuses a server whose certificate the client does not trust, with a clear error", async () => {
    const jobs = runtime(`rediss://127.0.0.1:${tlsPort}`, "tls-untrusted");
    const error = await jobs.schedule("ping", { n: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/certificate/i);
  });

  it("refuses a certificate made out to another host name", async () => {
    const jobs = runtime({ url: `rediss://127.0.0.1:${tlsPort}`, tls: { ca, servername: "evil.example" } }, "tls-wrong-name");
    const error = await jobs.schedule("ping", { n: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/altnames|certificate|Hostname/i);
  });
});
