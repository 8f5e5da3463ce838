/** Runs pending migrations against DATABASE_URL (npm run migrate); creates the database if missing. */
import "reflect-metadata";
import { ConfigError, loadConfig } from "../src/config/env";
import { createDataSource, ensureDatabase } from "../src/db/data-source";

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.database);
  const ds = createDataSource(config.database);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: "each" });
    process.stdout.write(`${JSON.stringify({ applied: applied.map((m) => m.name) })}\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
