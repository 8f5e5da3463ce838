import "reflect-metadata";
import mysql from "mysql2/promise";
import { DataSource, type Logger } from "typeorm";
import type { Config } from "../config/env";
import { MIGRATIONS } from "../../migrations";
import { ENTITIES } from "./entities";

export interface DataSourceOptions {
  /** Receives every SQL statement; tests use it to count statements per request. */
  logger?: Logger;
  poolSize?: number;
}

export function createDataSource(db: Config["database"], opts: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: "mariadb",
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.name,
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
export async function ensureDatabase(db: Config["database"]): Promise<void> {
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

export async function dropDatabase(db: Config["database"]): Promise<void> {
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
