/**
 * Notification preferences over GraphQL: the defaults, what the signed-in user may set, what is
 * refused (bad hours, a stale version, someone else's preferences for anyone but an administrator)
 * with nothing written, and the audit entry of a change.
 */
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

const FIELDS = `inApp emailEnabled emailMode digestLocalHour quietHoursStart quietHoursEnd timeZone isDefault version`;
const ME = `{ me { notificationPreferences { ${FIELDS} } } }`;
const UPDATE = `mutation($i: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $i) { preferences { ${FIELDS} } userErrors { code field message } }
}`;
const OF_USER = `query($id: ID!) { user(id: $id) { notificationPreferences { ${FIELDS} } } }`;

interface Prefs {
  inApp: boolean;
  emailEnabled: boolean;
  emailMode: string;
  digestLocalHour: number;
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  timeZone: string;
  isDefault: boolean;
  version: number;
}
interface UpdateResult {
  updateNotificationPreferences: {
    preferences: Prefs | null;
    userErrors: Array<{ code: string; field: string[]; message: string }>;
  };
}

describe("notification preferences (GraphQL)", () => {
  let app: TestApp;
  let officer: { id: number; token: string };
  let colleague: { id: number; token: string };
  let coordinator: { id: number; token: string };

  beforeAll(async () => {
    app = await startTestApp();
    const tree = await makeTree(app.db.ds, 1, 1, 0, "Cài đặt");
    const commune = await makeOrg(app.db.ds, { unit: tree.communes[0][0] });
    const office = await makeOrg(app.db.ds, { unit: tree.province });
    const mk = async (org: typeof commune, roles: Role[]) => {
      const u = await makeUser(app.db.ds, { org, roles });
      return { id: u.id, token: await app.tokenFor(u) };
    };
    officer = await mk(commune, [Role.COMMUNE_OFFICER]);
    colleague = await mk(commune, [Role.COMMUNE_OFFICER]);
    coordinator = await mk(office, [Role.PROVINCIAL_COORDINATOR]);
  });
  afterAll(async () => {
    await app.close();
  });

  const state = () =>
    app.db.ds.query(
      `SELECT (SELECT COUNT(*) FROM notification_preferences) AS p,
              (SELECT COUNT(*) FROM audit_entry WHERE action = 'user.set_notification_preferences') AS a`,
    );
  const update = (token: string, i: Record<string, unknown>) =>
    app.gqlAs<UpdateResult>(token, UPDATE, { i }).then((r) => {
      expect(r.errors).toBeUndefined();
      return r.data!.updateNotificationPreferences;
    });
  const digest = { version: 0, emailEnabled: true, emailMode: "DIGEST", digestLocalHour: 7 };

  it("reads the defaults for a user who never set them: e-mail on, immediate, no quiet hours", async () => {
    const r = await app.gqlAs<{ me: { notificationPreferences: Prefs } }>(officer.token, ME);
    expect(r.data!.me.notificationPreferences).toEqual({
      inApp: true,
      emailEnabled: true,
      emailMode: "IMMEDIATE",
      digestLocalHour: 7,
      quietHoursStart: null,
      quietHoursEnd: null,
      timeZone: "Asia/Ho_Chi_Minh",
      isDefault: true,
      version: 0,
    });
  });

  it("refuses bad hours and half-given quiet hours with userErrors, writing nothing", async () => {
    const before = await state();
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ ...digest, digestLocalHour: 24 }, ["input", "digestLocalHour"]],
      [{ ...digest, digestLocalHour: -1 }, ["input", "digestLocalHour"]],
      [{ ...digest, quietHoursStart: 22, quietHoursEnd: 25 }, ["input", "quietHoursEnd"]],
      [{ ...digest, quietHoursStart: 22 }, ["input", "quietHoursEnd"]],
      [{ ...digest, quietHoursEnd: 6 }, ["input", "quietHoursStart"]],
      [{ ...digest, quietHoursStart: 6, quietHoursEnd: 6 }, ["input", "quietHoursEnd"]],
      // The digest hour must lie outside the quiet hours (22:00–08:00 wraps midnight).
      [{ ...digest, quietHoursStart: 22, quietHoursEnd: 8 }, ["input", "digestLocalHour"]],
      [{ ...digest, userId: "not-an-id" }, ["input", "userId"]],
      [{ ...digest, userId: toGlobalId("Task", 1) }, ["input", "userId"]],
    ];
    for (const [input, field] of cases) {
      const r = await update(officer.token, input);
      expect(r.preferences).toBeNull();
      expect(r.userErrors).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", field })]);
    }
    expect(await state()).toEqual(before);
  });

  it("sets the viewer's own preferences with a version check and an audit entry", async () => {
    const first = await update(officer.token, { ...digest, quietHoursStart: 21, quietHoursEnd: 6 });
    expect(first.userErrors).toEqual([]);
    expect(first.preferences).toMatchObject({
      emailMode: "DIGEST",
      quietHoursStart: 21,
      quietHoursEnd: 6,
      isDefault: false,
      version: 1,
    });
    // The same version again is stale: CONFLICT, nothing changes.
    const before = await state();
    const stale = await update(officer.token, { ...digest, emailMode: "IMMEDIATE" });
    expect(stale.userErrors).toEqual([
      expect.objectContaining({ code: "CONFLICT", field: ["input", "version"] }),
    ]);
    expect(await state()).toEqual(before);

    const second = await update(officer.token, {
      version: 1,
      emailEnabled: false,
      emailMode: "IMMEDIATE",
      digestLocalHour: 9,
    });
    expect(second.preferences).toMatchObject({ emailEnabled: false, quietHoursStart: null, version: 2 });
    const me = await app.gqlAs<{ me: { notificationPreferences: Prefs } }>(officer.token, ME);
    expect(me.data!.me.notificationPreferences).toMatchObject({ emailEnabled: false, version: 2 });

    const audit: Array<{ actor_user_id: number; object_id: number; before: string | null; after: string }> =
      await app.db.ds.query(
        `SELECT actor_user_id, object_id, a.before, a.after FROM audit_entry a
         WHERE action = 'user.set_notification_preferences' AND object_id = ? ORDER BY id`,
        [officer.id],
      );
    expect(audit).toHaveLength(2);
    expect(Number(audit[0].actor_user_id)).toBe(officer.id);
    expect(audit[0].before).toBeNull();
    expect(JSON.parse(audit[1].before!)).toMatchObject({
      emailMode: "digest",
      quietHours: { start: 21, end: 6 },
    });
    expect(JSON.parse(audit[1].after)).toMatchObject({ emailEnabled: false, quietHours: null });
  });

  it("refuses another user's preferences to non-administrators: NOT_FOUND outside scope, FORBIDDEN inside", async () => {
    const before = await state();
    const target = toGlobalId("User", colleague.id);
    // A colleague cannot see the other's account: it looks missing.
    const r1 = await update(officer.token, { ...digest, userId: target });
    expect(r1.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    // A coordinator sees the account but does not manage how its owner is told.
    const r2 = await update(coordinator.token, { ...digest, userId: target });
    expect(r2.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    expect(await state()).toEqual(before);
    const read = await app.gqlAs<{ user: { notificationPreferences: Prefs | null } }>(
      coordinator.token,
      OF_USER,
      {
        id: target,
      },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.user.notificationPreferences).toBeNull();
  });

  it("lets a system administrator read and set another user's preferences", async () => {
    const target = toGlobalId("User", colleague.id);
    const r = await app.gql<UpdateResult>(UPDATE, {
      i: { ...digest, userId: target, digestLocalHour: 6, quietHoursStart: 12, quietHoursEnd: 13 },
    });
    expect(r.data!.updateNotificationPreferences.userErrors).toEqual([]);
    const read = await app.gql<{ user: { notificationPreferences: Prefs | null } }>(OF_USER, { id: target });
    expect(read.data!.user.notificationPreferences).toMatchObject({
      emailMode: "DIGEST",
      digestLocalHour: 6,
      quietHoursStart: 12,
      quietHoursEnd: 13,
      version: 1,
    });
    const [row] = await app.db.ds.query(
      "SELECT actor_user_id FROM audit_entry WHERE action = 'user.set_notification_preferences' AND object_id = ?",
      [colleague.id],
    );
    expect(Number(row.actor_user_id)).toBe(app.admin.id);
  });
});
