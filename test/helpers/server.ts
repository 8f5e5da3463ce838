import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/db/data-source";
import { createServer, type AppServer } from "../../src/app/server";
import { issueTokens } from "../../src/auth/session";
import type { User } from "../../src/auth/user.entity";
import { createRedis } from "../../src/queue/connection";
import { type Clock, FixedClock } from "../../src/shared/clock";
import type { Config } from "../../src/config/env";
import { createLogger, type Logger } from "../../src/shared/logger";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeUnit, makeUser } from "../factories";
import { UnitType } from "../../src/units/unit.enums";
import { createTestDb, type TestDb } from "./db";

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown }; path?: unknown[] }>;
  raw: string;
}

export interface TestApp {
  db: TestDb;
  server: AppServer;
  redis: Redis;
  url: string;
  clock: FixedClock;
  /** A system administrator of a unit tree of its own, whose token `gql` sends. */
  admin: User;
  /** POSTs a GraphQL operation to the real HTTP server as the administrator. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** POSTs as the holder of `token` (null: anonymous). */
  gqlAs<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>>;
  /** A fresh access token for a user (a new session), as login would issue. */
  tokenFor(user: User): Promise<string>;
  close(): Promise<void>;
}

/** A migrated database of its own and the real HTTP server on a free port; the clock starts at `now`. */
export async function startTestApp(
  opts: {
    now?: Date;
    production?: boolean;
    /** Where the server logs (default: nowhere). */
    logger?: Logger;
    /** Adjusts the test database's configuration (e.g. operations settings). */
    configure?: (config: Config) => Config;
  } = {},
): Promise<TestApp> {
  const db = await createTestDb();
  const clock = new FixedClock(opts.now ?? new Date("2022-06-15T03:00:00Z"));
  const base = { ...db.config, nodeEnv: opts.production ? ("production" as const) : db.config.nodeEnv };
  const config = opts.configure ? opts.configure(base) : base;
  const redis = createRedis(config.redisUrl);
  const logger = opts.logger ?? createLogger("silent");
  const server = await createServer({ config, ds: db.ds, redis, logger, clock });
  const port = await server.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;

  const adminHome = await makeUnit(db.ds, { name: "Quản trị", type: UnitType.TINH });
  const adminOrg = await makeOrg(db.ds, { unit: adminHome, name: "Trung tâm quản trị hệ thống" });
  const admin = await makeUser(db.ds, { org: adminOrg, roles: [Role.SYSTEM_ADMIN] });
  const tokenFor = async (user: User) =>
    (await issueTokens(db.ds.manager, config, user, clock.now())).tokens.accessToken;
  // Re-issued when the test moves the clock past the token's lifetime.
  let adminToken = await tokenFor(admin);
  let adminTokenAt = clock.now().getTime();
  const currentAdminToken = async () => {
    const now = clock.now().getTime();
    if (now < adminTokenAt || now - adminTokenAt > (config.auth.accessTtlSeconds - 60) * 1000) {
      adminToken = await tokenFor(admin);
      adminTokenAt = now;
    }
    return adminToken;
  };

  const gqlAs = async <T>(token: string | null, query: string, variables?: Record<string, unknown>) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const raw = await res.text();
    const body = JSON.parse(raw) as Omit<GqlResult<T>, "status" | "raw">;
    return { status: res.status, raw, ...body };
  };
  return {
    db,
    server,
    redis,
    url,
    clock,
    admin,
    gql: async <T>(query: string, variables?: Record<string, unknown>) =>
      gqlAs<T>(await currentAdminToken(), query, variables),
    gqlAs,
    tokenFor,
    async close() {
      // Jobs the workflow scheduled under this test's own prefix go with it.
      await server.reminderQueue.obliterate({ force: true });
      await server.rollupQueue.obliterate({ force: true });
      await server.stop();
      // Whatever else this test left in Redis (login throttling counters) carries its prefix too.
      for (let cursor = "0"; ;) {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${config.redisPrefix}:*`, "COUNT", 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
        if (cursor === "0") break;
      }
      await redis.quit();
      await db.drop();
    },
  };
}

export interface OtherApi {
  server: AppServer;
  /** The other process's DataSource (its own pool and units in memory). */
  ds: DataSource;
  /** POSTs an operation to it; the HTTP status and body. */
  gqlAs<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/**
 * A second API process beside `app`, as another replica behind the load balancer: the same
 * database, Redis prefix and clock, but a DataSource, caches and Redis connections of its own.
 */
export async function startOtherApi(app: TestApp): Promise<OtherApi> {
  const ds = createDataSource(app.db.config.database, { poolSize: 2 });
  await ds.initialize();
  const redis = createRedis(app.db.config.redisUrl);
  const clock: Clock = { now: () => app.clock.now() };
  const server = await createServer({
    config: app.db.config,
    ds,
    redis,
    logger: createLogger("silent"),
    clock,
  });
  const port = await server.listen(0, "127.0.0.1");
  return {
    server,
    ds,
    async gqlAs<T>(token: string | null, query: string, variables?: Record<string, unknown>) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables }),
      });
      const raw = await res.text();
      return { status: res.status, raw, ...(JSON.parse(raw) as Omit<GqlResult<T>, "status" | "raw">) };
    },
    async close() {
      await server.stop();
      await redis.quit();
      await ds.destroy();
    },
  };
}
