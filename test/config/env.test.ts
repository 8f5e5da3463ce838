import { ConfigError, loadConfig } from "../../src/config/env";

describe("configuration", () => {
  it("works with no settings at all, against the local services", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 4000,
      nodeEnv: "development",
      database: { host: "127.0.0.1", port: 3306, user: "root", password: "", name: "ntm" },
      redisUrl: "redis://127.0.0.1:6379",
      timeZone: "Asia/Ho_Chi_Minh",
      seedOnStart: true,
    });
  });

  it("reads the usual names", () => {
    const c = loadConfig({
      PORT: "8080",
      DATABASE_URL: "mysql://app:s%40cret@db.example:3307/ntm_prod",
      REDIS_URL: "redis://cache:6380",
      NODE_ENV: "production",
      APP_SECRET: "x".repeat(40),
      SEED_ON_START: "false",
    });
    expect(c.port).toBe(8080);
    expect(c.database).toEqual({
      host: "db.example",
      port: 3307,
      user: "app",
      password: "s@cret",
      name: "ntm_prod",
      replicas: [],
    });
    expect(c.redisUrl).toBe("redis://cache:6380");
    expect(c.seedOnStart).toBe(false);
  });

  it("lists every problem at once, with the password hidden", () => {
    let err: unknown;
    try {
      loadConfig({
        PORT: "eighty",
        DATABASE_URL: "postgres://u:topsecret@h/db",
        REDIS_URL: "nope",
        NODE_ENV: "staging",
        TZ_PLAN: "Mars/Olympus",
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/PORT must be an integer/);
    expect(problems.join("\n")).toMatch(/DATABASE_URL must look like/);
    expect(problems.join("\n")).not.toMatch(/topsecret/);
    expect(problems.join("\n")).toMatch(/REDIS_URL/);
    expect(problems.join("\n")).toMatch(/NODE_ENV/);
    expect(problems.join("\n")).toMatch(/TZ_PLAN/);
  });

  it("demands a real secret in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/APP_SECRET must be set in production/);
    expect(() => loadConfig({ APP_SECRET: "short" })).toThrow(/at least 32 characters/);
  });

  it("rejects a database name that is not a plain identifier", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://root@127.0.0.1:3306/ntm;drop" })).toThrow(
      /DATABASE_URL/,
    );
  });
});
