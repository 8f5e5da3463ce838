import "reflect-metadata";
import mysql from "mysql2/promise";
import { DataSource, type Logger } from "typeorm";
import type { DatabaseConfig, DbCredentials } from "../config/env";
import { MIGRATIONS } from "../../migrations";
import { ENTITIES } from "./entities";

export interface DataSourceOptions {
  /** Receives every SQL statement; tests use it to count statements per request. */
  logger?: Logger;
  poolSize?: number;
}

function credentials(db: DbCredentials) {
  return { host: db.host, port: db.port, username: db.user, password: db.password, database: db.name };
}

/**
 * The DataSource. With read replicas configured (DATABASE_REPLICA_URLS) TypeORM keeps a pool per
 * server; `defaultMode: "master"` sends every statement to the primary unless a caller asks for a
 * replica explicitly (src/db/replica.ts `readFromReplica`), so read-your-writes holds everywhere
 * by default and only the dashboard reads that tolerate a little lag go to a replica.
 */
export function createDataSource(db: DatabaseConfig, opts: DataSourceOptions = {}): DataSource {
  const replicas = db.replicas ?? [];
  const where =
    replicas.length > 0
      ? {
          replication: {
            master: credentials(db),
            slaves: replicas.map(credentials),
            defaultMode: "master" as const,
            // A replica that fails is set aside for 10 s, then tried again (not removed for good).
            canRetry: true,
            removeNodeErrorCount: 3,
            restoreNodeTimeout: 10_000,
          },
        }
      : credentials(db);
  return new DataSource({
    type: "mariadb",
    ...where,
    charset: "utf8mb4_unicode_ci",
    timezone: "Z",
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: "typeorm_migrations",
    migrationsTransactionMode: "each",
    synchronize: false,
    logging: opts.logger ? ["query", "error"] : false,
    logger: opts.logger,
    poolSize: opts.poolSize ?? 10,
    extra: { connectTimeout: 5000 },
  });
}

/** Create the database named in the config when it does not exist yet (utf8mb4, Vietnamese-safe). */
export async function ensureDatabase(db: DbCredentials): Promise<void> {
  const conn = await mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    connectTimeout: 5000,
  });
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}

export async function dropDatabase(db: DbCredentials): Promise<void> {
  const conn = await mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
  });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${db.name}\``);
  } finally {
    await conn.end();
  }
}
