/**
 * EXPLAIN of the statement behind a GraphQL operation: the operation runs once through the real
 * server in this process (a DataSource of its own whose logger keeps the statements), then the
 * statement that reads `task` is explained with its own parameters.
 */
import type { DataSource, Logger } from "typeorm";
import { createServer } from "../../src/app/server";
import type { Config } from "../../src/config/env";
import { createDataSource } from "../../src/db/data-source";
import { createRedis } from "../../src/queue/connection";
import { createLogger } from "../../src/shared/logger";

class KeepStatements implements Logger {
  statements: Array<{ sql: string; params: unknown[] }> = [];
  logQuery(sql: string, params?: unknown[]): void {
    this.statements.push({ sql, params: params ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface Plan {
  /** One line per table of the plan: `table access key rows extra`. */
  lines: string[];
  /** True when MariaDB sorts rows itself ("Using filesort") anywhere in the statement. */
  filesort: boolean;
}

export async function withPlans<T>(
  config: Config,
  use: (explain: (token: string, query: string, statement: RegExp) => Promise<Plan>) => Promise<T>,
): Promise<T> {
  const log = new KeepStatements();
  const ds: DataSource = createDataSource(config.database, { logger: log, poolSize: 2 });
  await ds.initialize();
  const redis = createRedis(config.redisUrl);
  const server = await createServer({ config, ds, redis, logger: createLogger("silent") });
  try {
    const port = await server.listen(0, "127.0.0.1");
    return await use(async (token, query, statement) => {
      log.statements = [];
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as { errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
      const found = log.statements.find((s) => statement.test(s.sql));
      if (!found) throw new Error(`no statement matching ${statement} among ${log.statements.length}`);
      const rows = (await ds.query(`EXPLAIN ${found.sql}`, found.params)) as Array<Record<string, unknown>>;
      return {
        lines: rows.map(
          (r) =>
            `${String(r.select_type).toLowerCase()} ${r.table}: ${r.type} on ${r.key ?? "-"}, ~${r.rows} rows${r.Extra ? `, ${r.Extra}` : ""}`,
        ),
        filesort: rows.some((r) => /filesort/i.test(String(r.Extra ?? ""))),
      };
    });
  } finally {
    await server.stop();
    await redis.quit();
    await ds.destroy();
  }
}
