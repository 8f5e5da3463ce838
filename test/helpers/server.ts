import { createServer, type AppServer } from "../../src/app/server";
import { FixedClock } from "../../src/shared/clock";
import { createLogger } from "../../src/shared/logger";
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
  url: string;
  clock: FixedClock;
  /** POSTs a GraphQL operation to the real HTTP server. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/** A migrated database of its own and the real HTTP server on a free port; the clock starts at `now`. */
export async function startTestApp(opts: { now?: Date; production?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDb();
  const clock = new FixedClock(opts.now ?? new Date("2022-06-15T03:00:00Z"));
  const config = { ...db.config, nodeEnv: opts.production ? ("production" as const) : db.config.nodeEnv };
  const server = await createServer({ config, ds: db.ds, logger: createLogger("silent"), clock });
  const port = await server.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  return {
    db,
    server,
    url,
    clock,
    async gql<T>(query: string, variables?: Record<string, unknown>) {
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const raw = await res.text();
      const body = JSON.parse(raw) as Omit<GqlResult<T>, "status" | "raw">;
      return { status: res.status, raw, ...body };
    },
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}
