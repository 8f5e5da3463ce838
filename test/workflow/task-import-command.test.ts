import { authenticate } from "../../src/auth/authenticate";
import { createContext, type Context } from "../../src/shared/context";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import { UnitType } from "../../src/units/unit.enums";
import { importTasks } from "../../src/workflow/commands/import-tasks.command";
import type { RawTaskRow } from "../../src/workflow/task-import.workbook";
import { makeGroup, makeOrg, makePlan, makeUnit, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

jest.setTimeout(120_000);

/** importTasks called directly: what it schedules after commit (roll-ups, reminders), and only then. */
describe("importTasks after commit", () => {
  let app: TestApp;
  let viewer: Viewer;
  let planId: number;
  let districtId: number;
  const rollups: Array<{ unitIds: number[]; reason: string }> = [];
  const reminders: number[][] = [];

  const row = (n: number, extra: Partial<RawTaskRow> = {}): RawTaskRow => ({
    row: n,
    group: 1,
    code: null,
    title: `Nhiệm vụ ${n}`,
    parent: null,
    lead: "UBND-H",
    cooperating: ["SO-NN"],
    units: [],
    startDate: null,
    dueDate: "2022-12-31",
    quota: null,
    quotaUnit: null,
    description: null,
    ...extra,
  });
  const ctxFor = (): Context =>
    createContext({
      ds: app.db.ds,
      redis: app.redis,
      config: app.db.config,
      clock: app.clock,
      timeZone: app.db.config.timeZone,
      requestId: "import-test",
      viewer,
      authorization: null,
      ip: null,
      reminders: { schedule: async (ids) => reminders.push([...ids]) },
      rollups: { unitsChanged: async (ids, reason) => rollups.push({ unitIds: [...ids], reason }) },
    });

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-03-01T03:00:00Z") });
    const ds = app.db.ds;
    const province = await makeUnit(ds, { name: "Bắc Kạn", type: UnitType.TINH });
    const district = await makeUnit(ds, { name: "Na Rì", type: UnitType.HUYEN, parent: province });
    districtId = district.id;
    const office = await makeOrg(ds, { unit: province, code: "VP-NTM" });
    await makeOrg(ds, { unit: province, code: "SO-NN" });
    await makeOrg(ds, { unit: district, code: "UBND-H" });
    const plan = await makePlan(ds, { scope: province, number: "125/KH-UBND" });
    planId = plan.id;
    await makeGroup(ds, plan, 1, "Nhóm một");
    const user = await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] });
    viewer = (await authenticate(ds, app.db.config, `Bearer ${await app.tokenFor(user)}`, app.clock.now()))!;
  });
  afterAll(async () => {
    await app.close();
  });

  it("schedules nothing for a refused import or a dry run", async () => {
    const refused = await importTasks(
      ctxFor(),
      planId,
      { rows: [row(3, { group: 5 })], errors: [] },
      { dryRun: false },
    );
    expect(refused.errors.map((e) => e.code)).toEqual(["UNKNOWN_GROUP"]);
    const dry = await importTasks(ctxFor(), planId, { rows: [row(3)], errors: [] }, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, imported: 0, errors: [] });
    expect(rollups).toEqual([]);
    expect(reminders).toEqual([]);
  });

  it("after commit, schedules the roll-up of the units concerned and the new assignments' reminders", async () => {
    const result = await importTasks(
      ctxFor(),
      planId,
      { rows: [row(3), row(4)], errors: [] },
      { dryRun: false },
    );
    expect(result.imported).toBe(2);
    expect(rollups).toEqual([{ unitIds: [districtId], reason: "task.import" }]);
    const ids: Array<{ id: number }> = await app.db.ds.query(
      "SELECT a.id FROM assignment a JOIN task t ON t.id = a.task_id WHERE t.plan_id = ? ORDER BY a.id",
      [planId],
    );
    expect(reminders).toEqual([ids.map((r) => Number(r.id))]);
    expect(ids).toHaveLength(4);
  });

  it("refuses a viewer who does not coordinate the plan", async () => {
    const other = { ...viewer, roles: new Set([Role.DISTRICT_OFFICER]) } as Viewer;
    const ctx = { ...ctxFor(), viewer: other };
    await expect(
      importTasks(ctx, planId, { rows: [row(3)], errors: [] }, { dryRun: true }),
    ).rejects.toMatchObject({
      extensions: { code: "FORBIDDEN" },
    });
  });
});
