import { redisDownDrill } from "../../scripts/drills/redis-down";
import { freePort } from "../../scripts/bench/processes";
import { createTestDb, type TestDb } from "../helpers/db";

/**
 * Redis down under load (a private redis-server, killed and started again; npm run drills holds
 * it down for a minute): reads, writes and sign-ins keep working, and when Redis returns the
 * worker resumes by itself, runs the full reconciliation and new writes enqueue as before.
 */
describe("drill: Redis down under load", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("keeps answering, loses nothing, and the worker resumes", async () => {
    const r = await redisDownDrill({
      ds: db.ds,
      config: db.config,
      redisPort: await freePort(),
      outageMs: 4000,
      writesDuringOutage: 5,
    });
    expect(r.failures).toEqual([]);
    expect(r.reads).toBeGreaterThan(0);
    expect(r.logins).toBeGreaterThan(0);
    expect(r.writes).toBe(5);
    expect(r.acceptedWhileDown).toBe(5);
    expect(r.storedAccepted).toBe(5);
    expect(r.reconciledAfterReturn).toBe(true);
    expect(r.enqueuedAfterReturn).toBe(true);
  }, 120_000);
});
