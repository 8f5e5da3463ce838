import { killApiDrill } from "../../scripts/drills/kill-api";
import { createTestDb, type TestDb } from "../helpers/db";

/**
 * The API process killed (SIGKILL) under a load of mutations: nothing half-written (every
 * mutation is one transaction), and a new process carries on. npm run drills runs it longer.
 */
describe("drill: API killed under load", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("leaves every assignment whole and a restarted API carries on", async () => {
    const r = await killApiDrill({
      ds: db.ds,
      config: db.config,
      entry: "ts",
      assignments: 12,
      killAfterMs: 2500,
    });
    expect(r.committed).toBeGreaterThan(0);
    expect(r.violations).toEqual([]);
    expect(r.recovered).toBe(true);
  }, 180_000);
});
