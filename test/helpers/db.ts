import { randomBytes } from "node:crypto";
import type { DataSource, Logger } from "typeorm";
import { loadConfig, type Config } from "../../src/config/env";
import { createDataSource, dropDatabase, ensureDatabase } from "../../src/db/data-source";

/** Counts SQL statements; tests read `count` around a request. */
export class CountingLogger implements Logger {
  count = 0;
  statements: string[] = [];
  logQuery(query: string): void {
    this.count += 1;
    this.statements.push(query);
  }
  reset(): void {
    this.count = 0;
    this.statements = [];
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface TestDb {
  ds: DataSource;
  config: Config;
  sql: CountingLogger;
  /** Destroys the connection and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; dropped afterwards. */
export async function createTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const name = `ntm_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const base = loadConfig(process.env);
  const url = new URL(base.databaseUrl);
  url.pathname = `/${name}`;
  const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), REDIS_PREFIX: name });
  await ensureDatabase(config.database);
  const sql = new CountingLogger();
  const ds = createDataSource(config.database, { logger: sql, poolSize: 5 });
  await ds.initialize();
  if (opts.migrate !== false) await ds.runMigrations({ transaction: "each" });
  sql.reset();
  return {
    ds,
    config,
    sql,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      await dropDatabase(config.database);
    },
  };
}
