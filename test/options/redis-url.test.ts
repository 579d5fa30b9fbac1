import { describe, expect, it } from "vitest";
import { InvalidOptionError, parseRedisUrl } from "typed-jobs";
import { catchError } from "./catch-error.js";

// parseRedisUrl: redis://, rediss:// (TLS), unix:// and bare socket paths; credentials decoded, and
// never echoed in an error.

describe("parseRedisUrl", () => {
  it.each<[string, object]>([
    ["redis://127.0.0.1:6380", { host: "127.0.0.1", port: 6380 }],
    ["redis://cache.internal", { host: "cache.internal", port: 6379 }],
    ["redis://", { host: "127.0.0.1", port: 6379 }],
    ["redis://host:6379/", { host: "host", port: 6379 }],
    ["redis://host/3", { host: "host", port: 6379, db: 3 }],
    ["redis://host:7000/0", { host: "host", port: 7000, db: 0 }],
    ["redis://host?db=4", { host: "host", port: 6379, db: 4 }],
    ["redis://host/2?db=5", { host: "host", port: 6379, db: 5 }],
    ["redis://[::1]:7000/1", { host: "::1", port: 7000, db: 1 }],
    ["redis://alice:s3cret@host", { host: "host", port: 6379, username: "alice", password: "s3cret" }],
    ["redis://:only-a-password@host", { host: "host", port: 6379, password: "only-a-password" }],
    ["redis://al%40ice:p%40ss%3Aw%2Ford%25@host/1", { host: "host", port: 6379, db: 1, username: "al@ice", password: "p@ss:w/ord%" }],
    ["redis://u:p@ss@host", { host: "host", port: 6379, username: "u", password: "p@ss" }],
    ["rediss://cache.example.com:6380", { host: "cache.example.com", port: 6380, tls: { servername: "cache.example.com" } }],
    ["rediss://127.0.0.1", { host: "127.0.0.1", port: 6379, tls: {} }],
    ["rediss://u:pw@cache.example.com/2", { host: "cache.example.com", port: 6379, db: 2, username: "u", password: "pw", tls: { servername: "cache.example.com" } }],
    ["unix:///var/run/redis.sock", { path: "/var/run/redis.sock" }],
    ["unix:///var/run/redis.sock?db=2", { path: "/var/run/redis.sock", db: 2 }],
    ["/tmp/redis.sock", { path: "/tmp/redis.sock" }],
  ])("%s", (url, options) => {
    expect(parseRedisUrl(url)).toEqual(options);
  });

  it.each([
    ["an unknown scheme", "http://host:6379"],
    ["no scheme", "localhost:6379"],
    ["not a URL", "localhost"],
    ["a port out of range", "redis://host:99999"],
    ["a database that is not a number", "redis://host/abc"],
    ["a negative database", "redis://host/-1"],
    ["a fractional database", "redis://host/1.5"],
    ["a socket database that is not a number", "unix:///tmp/r.sock?db=x"],
    ["a raw % in the password", "redis://:100%@host"],
  ])("%s is an InvalidOptionError for the redis option, with the op that parsed it", (_name, url) => {
    const error = catchError(() => parseRedisUrl(url, "createJobs"));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: "INVALID_OPTION", option: "redis", op: "createJobs" });
  });

  const SECRET = "Hunter2-secret";
  it.each([
    ["an unknown scheme", `http://user:${SECRET}@host`],
    ["a bad port", `redis://user:${SECRET}@host:99999`],
    ["a bad database", `redis://user:${SECRET}@host/nope`],
    ["a password with an unescaped '/' (its tail lands in the path)", `redis://user:1234/${SECRET}@host`],
    ["a password with an unescaped '?' (its tail lands in the query)", `redis://user:1234?db=${SECRET}@host`],
    ["a password with a raw %", `redis://user:${SECRET}%zz@host`],
    ["a user name with a raw %", `redis://${SECRET}%@host`],
    ["a bad socket database", `unix://:${SECRET}@/tmp/r.sock?db=${SECRET}`],
  ])("the password never appears in the error: %s", (_name, url) => {
    const error = catchError(() => parseRedisUrl(url));
    expect(error).toBeInstanceOf(InvalidOptionError);
    for (const text of [error.message, String(error), error.stack ?? "", JSON.stringify(error)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("secret");
    }
  });
});
