import { createTestDb, type TestDb } from "../helpers/db";

describe("migrations", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("leave no difference between the entities and the database", async () => {
    const pending = await db.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it("store Vietnamese text in utf8mb4", async () => {
    const rows: Array<{ TABLE_NAME: string; TABLE_COLLATION: string }> = await db.ds.query(
      "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'typeorm_migrations'",
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) expect(r.TABLE_COLLATION).toMatch(/^utf8mb4_/);
  });

  it("revert cleanly, down to an empty schema, and apply again", async () => {
    const count = async () =>
      Number(
        (
          await db.ds.query(
            "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
          )
        )[0].n,
      );
    const before = await count();
    for (let i = 0; i < db.ds.migrations.length; i++) await db.ds.undoLastMigration({ transaction: "each" });
    expect(await count()).toBe(1); // only the migrations table is left
    await db.ds.runMigrations({ transaction: "each" });
    expect(await count()).toBe(before);
  });
});
