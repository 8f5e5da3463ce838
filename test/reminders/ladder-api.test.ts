/**
 * setReminderLadder over GraphQL: who may set a plan's ladder, what it accepts (a refusal writes
 * nothing), the audit entry, Plan.reminderLadder, and what the new ladder does to reminders
 * already queued (they do nothing) and to the ones the reconciler derives.
 */
import { handleReconcile, type SendJob } from "../../src/reminders/jobs/reconcile.job";
import { handleSendReminder, type SendReminderPayload } from "../../src/reminders/jobs/send-reminder.job";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld } from "./world";

const SET = `mutation($i: SetReminderLadderInput!) {
  setReminderLadder(input: $i) {
    ladder { daysBefore onDueDate overdueEveryWorkingDays escalateAfterWorkingDays localHour isDefault }
    userErrors { code field message }
  }
}`;
const READ = `query($id: ID!) { plan(id: $id) { reminderLadder {
  daysBefore onDueDate overdueEveryWorkingDays escalateAfterWorkingDays localHour isDefault } } }`;

interface SetResult {
  setReminderLadder: {
    ladder: Record<string, unknown> | null;
    userErrors: Array<{ code: string; field: string[]; message: string }>;
  };
}

describe("setReminderLadder", () => {
  let app: TestApp;
  let world: ReminderWorld;
  let coordinator: string;
  const valid = () => ({
    planId: toGlobalId("Plan", world.plan.id),
    daysBefore: [2, 5, 2],
    onDueDate: false,
    overdueEveryWorkingDays: 1,
    escalateAfterWorkingDays: 0,
    localHour: 14,
  });
  const state = () =>
    app.db.ds.query(
      `SELECT (SELECT COUNT(*) FROM plan_reminder_settings) s,
              (SELECT GROUP_CONCAT(CONCAT(plan_id, ':', days_before, ':', local_hour)) FROM plan_reminder_settings) v,
              (SELECT COUNT(*) FROM audit_entry WHERE action = 'plan.set_reminder_ladder') a`,
    );
  const set = (token: string, i: Record<string, unknown>) => app.gqlAs<SetResult>(token, SET, { i });

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2023-01-30T03:00:00Z") });
    await seedCalendar(app.db.ds);
    world = await makeReminderWorld(app.db.ds);
    coordinator = await app.tokenFor(world.coordinator);
  });
  afterAll(async () => {
    await app.close();
  });

  it("reads the default ladder of a plan without one", async () => {
    const r = await app.gqlAs(coordinator, READ, { id: toGlobalId("Plan", world.plan.id) });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      plan: {
        reminderLadder: {
          daysBefore: [7, 3, 1],
          onDueDate: true,
          overdueEveryWorkingDays: 2,
          escalateAfterWorkingDays: 3,
          localHour: 8,
          isDefault: true,
        },
      },
    });
  });

  it.each<[string, (w: ReminderWorld) => Promise<string>, Record<string, unknown>, string]>([
    ["a coordinator of another province", async (w) => app.tokenFor(w.foreignCoordinator), {}, "FORBIDDEN"],
    ["the assigning district's officer", async (w) => app.tokenFor(w.assignerOfficer), {}, "FORBIDDEN"],
    ["a commune officer", async (w) => app.tokenFor(w.assigneeOfficers[0]), {}, "FORBIDDEN"],
    [
      "a coordinator, for an unknown plan",
      async (w) => app.tokenFor(w.coordinator),
      { planId: toGlobalId("Plan", 4_000_000_000) },
      "NOT_FOUND",
    ],
    [
      "a coordinator, with a task ID",
      async (w) => app.tokenFor(w.coordinator),
      { planId: toGlobalId("Task", 1) },
      "BAD_USER_INPUT",
    ],
  ])("refuses %s and writes nothing", async (_who, token, override, code) => {
    const before = await state();
    const r = await set(await token(world), { ...valid(), ...override });
    expect(r.errors).toBeUndefined();
    expect(r.data!.setReminderLadder.ladder).toBeNull();
    expect(r.data!.setReminderLadder.userErrors.map((e) => e.code)).toEqual([code]);
    expect(await state()).toEqual(before);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ daysBefore: [0] }, "daysBefore"],
    [{ daysBefore: [61] }, "daysBefore"],
    [{ daysBefore: [-1, 3] }, "daysBefore"],
    [{ daysBefore: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, "daysBefore"],
    [{ overdueEveryWorkingDays: 0 }, "overdueEveryWorkingDays"],
    [{ overdueEveryWorkingDays: 31 }, "overdueEveryWorkingDays"],
    [{ escalateAfterWorkingDays: -1 }, "escalateAfterWorkingDays"],
    [{ escalateAfterWorkingDays: 61 }, "escalateAfterWorkingDays"],
    [{ localHour: -1 }, "localHour"],
    [{ localHour: 24 }, "localHour"],
  ])("refuses %j as BAD_USER_INPUT on %s, writing nothing", async (override, field) => {
    const before = await state();
    const r = await set(coordinator, { ...valid(), ...override });
    expect(r.data!.setReminderLadder.userErrors.map((e) => [e.code, e.field])).toEqual([
      ["BAD_USER_INPUT", ["input", field]],
    ]);
    expect(await state()).toEqual(before);
  });

  it("accepts the limits: 10 distinct values (repeats counted once), every day overdue, never escalating, midnight", async () => {
    const other = await makeUser(app.db.ds, { org: world.assigner, roles: [Role.SYSTEM_ADMIN] });
    const r = await set(await app.tokenFor(other), {
      ...valid(),
      daysBefore: [1, 2, 3, 4, 5, 6, 7, 8, 9, 60, 60],
      overdueEveryWorkingDays: 30,
      escalateAfterWorkingDays: 60,
      localHour: 0,
    });
    expect(r.data!.setReminderLadder.userErrors).toEqual([]);
    expect(r.data!.setReminderLadder.ladder!.daysBefore).toEqual([60, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    await app.db.ds.query("DELETE FROM plan_reminder_settings WHERE plan_id = ?", [world.plan.id]);
  });

  it("upserts the plan's ladder with an audit entry; queued reminders of the old ladder do nothing, the new rungs are derived", async () => {
    const ds = app.db.ds;
    const a = await world.assignment("2023-02-03");
    const now = "2023-01-30T03:00:00Z";
    const deps = reminderDeps(ds, now, 72);
    const derive = async (at: string) => {
      const jobs: SendJob[] = [];
      await handleReconcile(
        reminderDeps(ds, at, 72),
        { assignmentId: a.id },
        async (j) => void jobs.push(...j),
        new Date(at),
      );
      return jobs.map((j) => [j.opts.jobId, new Date(Date.parse(at) + j.opts.delay!).toISOString()]);
    };
    // The default ladder: 3 and 1 working days before Friday 3/2 are Tuesday 31/1 and Thursday 2/2, 08:00 local.
    expect(await derive(now)).toEqual([
      [`rem-${a.id}-before_3-2023-02-03`, "2023-01-31T01:00:00.000Z"],
      [`rem-${a.id}-before_1-2023-02-03`, "2023-02-02T01:00:00.000Z"],
    ]);
    const old: SendReminderPayload = { assignmentId: a.id, kind: "before_3", dueDate: "2023-02-03" };

    const jobsBefore = new Set(
      (await app.server.reminderQueue.getJobs(["waiting", "delayed", "prioritized"])).map((j) => j.id),
    );
    const first = await set(coordinator, valid());
    expect(first.data!.setReminderLadder).toEqual({
      ladder: {
        daysBefore: [5, 2],
        onDueDate: false,
        overdueEveryWorkingDays: 1,
        escalateAfterWorkingDays: 0,
        localHour: 14,
        isDefault: false,
      },
      userErrors: [],
    });
    const second = await set(coordinator, { ...valid(), daysBefore: [2], localHour: 15 });
    expect(second.data!.setReminderLadder.userErrors).toEqual([]);
    const second2 = await set(coordinator, { ...valid(), daysBefore: [2] });
    expect(second2.data!.setReminderLadder.userErrors).toEqual([]);

    // One row (upserted), one audit entry per change, with the ladder before and after.
    expect(
      await ds.query("SELECT days_before, local_hour FROM plan_reminder_settings WHERE plan_id = ?", [
        world.plan.id,
      ]),
    ).toEqual([{ days_before: "2", local_hour: 14 }]);
    const audits: Array<{ actor_user_id: number; before: string | null; after: string; scope_path: string }> =
      await ds.query(
        `SELECT actor_user_id, \`before\`, \`after\`, scope_path FROM audit_entry
         WHERE action = 'plan.set_reminder_ladder' AND object_type = 'Plan' AND object_id = ?
           AND actor_user_id = ? ORDER BY id`,
        [world.plan.id, world.coordinator.id],
      );
    expect(audits).toHaveLength(3);
    const [scope] = await ds.query("SELECT path FROM admin_unit WHERE id = ?", [world.plan.scopeUnitId]);
    expect(audits.map((e) => e.scope_path)).toEqual([scope.path, scope.path, scope.path]);
    expect(audits[0].before).toBeNull();
    expect(JSON.parse(audits[0].after)).toMatchObject({ daysBefore: [5, 2], localHour: 14 });
    expect(JSON.parse(audits[2].before!)).toMatchObject({ daysBefore: [2], localHour: 15 });

    const read = await app.gqlAs(coordinator, READ, { id: toGlobalId("Plan", world.plan.id) });
    expect(read.data).toEqual({
      plan: {
        reminderLadder: {
          daysBefore: [2],
          onDueDate: false,
          overdueEveryWorkingDays: 1,
          escalateAfterWorkingDays: 0,
          localHour: 14,
          isDefault: false,
        },
      },
    });

    // After commit, the plan's running assignments were handed to the reconciler.
    const added = (await app.server.reminderQueue.getJobs(["waiting", "delayed", "prioritized"])).filter(
      (j) => !jobsBefore.has(j.id) && j.name === "reconcile-reminders",
    );
    expect(added.map((j) => (j.data as { assignmentId: number }).assignmentId)).toContain(a.id);

    // The jobs queued for the old ladder do nothing at their instants.
    expect(await handleSendReminder(deps, old, new Date("2023-01-31T01:00:00Z"))).toEqual({
      status: "skipped",
      reason: "not_in_ladder",
    });
    expect(
      await handleSendReminder(deps, { ...old, kind: "before_1" }, new Date("2023-02-02T01:00:00Z")),
    ).toEqual({ status: "skipped", reason: "not_in_ladder" });
    // The new ladder: 2 working days before is Wednesday 1/2, at 14:00 local; then overdue every day.
    expect(await derive(now)).toEqual([[`rem-${a.id}-before_2-2023-02-03`, "2023-02-01T07:00:00.000Z"]]);
    expect(await derive("2023-02-05T03:00:00Z")).toEqual([
      [`rem-${a.id}-overdue_1-2023-02-03`, "2023-02-06T07:00:00.000Z"],
      [`rem-${a.id}-overdue_2-2023-02-03`, "2023-02-07T07:00:00.000Z"],
    ]);
    const fresh: SendReminderPayload = { assignmentId: a.id, kind: "before_2", dueDate: "2023-02-03" };
    for (let i = 0; i < 3; i++)
      expect(await handleSendReminder(deps, fresh, new Date("2023-02-01T07:00:00Z"))).toMatchObject({
        status: "delivered",
      });
    const [o1, o2] = world.assigneeOfficers;
    expect(await deliveriesByUser(ds, a.id)).toEqual({ [o1.id]: ["before_2"], [o2.id]: ["before_2"] });
  });
});
