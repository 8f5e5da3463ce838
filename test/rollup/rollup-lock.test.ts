import { alongside, withPlanLocks } from "../../src/rollup/rollup-lock";
import { createTestDb, type TestDb } from "../helpers/db";

/**
 * The full rebuild's two connections (src/rollup/rollup-lock.ts `alongside`): both parts commit
 * together when both succeed, and nothing of either stays when one fails.
 */
describe("alongside: a second connection under the caller's plan locks", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb({ migrate: false });
    await db.ds.query("CREATE TABLE side_rows (id INT PRIMARY KEY, part VARCHAR(8) NOT NULL) ENGINE=InnoDB");
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await db.ds.query("DELETE FROM side_rows");
  });
  const rows = async () =>
    (
      (await db.ds.query("SELECT id, part FROM side_rows ORDER BY id")) as Array<{ id: number; part: string }>
    ).map((r) => [Number(r.id), r.part]);

  it("runs both parts at once, on two connections, and commits both", async () => {
    const result = await withPlanLocks(db.ds, [1], async (m) =>
      alongside(
        db.ds,
        async (side) => {
          await side.query("INSERT INTO side_rows VALUES (2, 'side')");
          // A different connection: the main part's uncommitted row is not visible here.
          const seen = (await side.query("SELECT COUNT(*) AS n FROM side_rows WHERE id = 1")) as Array<{
            n: number;
          }>;
          expect(Number(seen[0].n)).toBe(0);
        },
        async () => {
          await m.query("INSERT INTO side_rows VALUES (1, 'main')");
          return "done";
        },
      ),
    );
    expect(result).toBe("done");
    expect(await rows()).toEqual([
      [1, "main"],
      [2, "side"],
    ]);
  });

  it.each(["side", "main"])("keeps nothing of either part when the %s part fails", async (failing) => {
    await expect(
      withPlanLocks(db.ds, [1], async (m) =>
        alongside(
          db.ds,
          async (side) => {
            await side.query("INSERT INTO side_rows VALUES (2, 'side')");
            if (failing === "side") throw new Error("side failed");
          },
          async () => {
            await m.query("INSERT INTO side_rows VALUES (1, 'main')");
            if (failing === "main") throw new Error("main failed");
          },
        ),
      ),
    ).rejects.toThrow(`${failing} failed`);
    expect(await rows()).toEqual([]);
  });
});
