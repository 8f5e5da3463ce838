/**
 * In-app notifications over GraphQL: each user sees, counts and marks only their own.
 */
import type { User } from "../../src/auth/user.entity";
import { insertNotification } from "../../src/notifications/notification.store";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { UnitType } from "../../src/units/unit.enums";
import { makeOrg, makeUnit, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

interface Note {
  id: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
}
interface Page {
  notifications: {
    totalCount: number;
    nodes: Note[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
interface MarkResult {
  markNotificationsRead: {
    notifications: Note[];
    userErrors: Array<{ code: string; field: string[]; message: string }>;
  };
}

const LIST = `query($first: Int!, $after: String, $unreadOnly: Boolean!) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount nodes { id title body link readAt } pageInfo { hasNextPage endCursor }
  }
}`;
const MARK = `mutation($ids: [ID!]!) {
  markNotificationsRead(ids: $ids) { notifications { id readAt } userErrors { code field message } }
}`;

describe("notifications (GraphQL)", () => {
  let app: TestApp;
  let alice: User;
  let bob: User;
  let aliceToken: string;
  const mine: string[] = []; // oldest first
  let bobs: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2023-01-30T01:00:00Z") });
    const ds = app.db.ds;
    const unit = await makeUnit(ds, { name: "Thông Báo", type: UnitType.XA });
    const org = await makeOrg(ds, { unit });
    alice = await makeUser(ds, { org, roles: [Role.COMMUNE_OFFICER] });
    bob = await makeUser(ds, { org, roles: [Role.COMMUNE_OFFICER] });
    aliceToken = await app.tokenFor(alice);
    for (const [i, title] of [
      "Sắp đến hạn (còn 3 ngày làm việc): A",
      "Sắp đến hạn (còn 1 ngày làm việc): A",
      "Đến hạn hôm nay: A",
    ].entries()) {
      const id = await insertNotification(ds.manager, {
        userId: alice.id,
        kind: "reminder.test",
        title,
        body: `Nhắc việc số ${i + 1}`,
        link: toGlobalId("Task", 7),
      });
      mine.push(toGlobalId("Notification", id));
    }
    bobs = toGlobalId(
      "Notification",
      await insertNotification(ds.manager, {
        userId: bob.id,
        kind: "reminder.test",
        title: "Của Bob",
        body: "…",
        link: null,
      }),
    );
  });

  afterAll(async () => {
    await app.close();
  });

  const asAlice = <T>(q: string, v?: Record<string, unknown>) => app.gqlAs<T>(aliceToken, q, v);

  it("asks who you are", async () => {
    const r = await app.gqlAs(null, "{ unreadNotificationCount }");
    expect(r.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("lists your own, newest first, a page at a time", async () => {
    const first = await asAlice<Page>(LIST, { first: 2, unreadOnly: false });
    expect(first.errors).toBeUndefined();
    expect(first.data!.notifications.totalCount).toBe(3);
    expect(first.data!.notifications.nodes.map((n) => n.id)).toEqual([mine[2], mine[1]]);
    expect(first.data!.notifications.nodes[0]).toMatchObject({
      title: "Đến hạn hôm nay: A",
      body: "Nhắc việc số 3",
      link: toGlobalId("Task", 7),
      readAt: null,
    });
    expect(first.data!.notifications.pageInfo.hasNextPage).toBe(true);
    const next = await asAlice<Page>(LIST, {
      first: 2,
      after: first.data!.notifications.pageInfo.endCursor,
      unreadOnly: false,
    });
    expect(next.data!.notifications.nodes.map((n) => n.id)).toEqual([mine[0]]);
    expect(next.data!.notifications.pageInfo.hasNextPage).toBe(false);
    const r = await asAlice<{ unreadNotificationCount: number }>("{ unreadNotificationCount }");
    expect(r.data!.unreadNotificationCount).toBe(3);
  });

  it("marks some read, keeps the first time they were read, and counts the rest", async () => {
    const r = await asAlice<MarkResult>(MARK, { ids: [mine[0], mine[0]] });
    expect(r.data!.markNotificationsRead).toEqual({
      notifications: [{ id: mine[0], readAt: "2023-01-30T01:00:00.000Z" }],
      userErrors: [],
    });
    app.clock.set(new Date("2023-01-30T01:05:00Z"));
    const again = await asAlice<MarkResult>(MARK, { ids: [mine[0], mine[1]] });
    expect(again.data!.markNotificationsRead.notifications).toEqual([
      { id: mine[0], readAt: "2023-01-30T01:00:00.000Z" },
      { id: mine[1], readAt: "2023-01-30T01:05:00.000Z" },
    ]);
    const unread = await asAlice<Page>(LIST, { first: 10, unreadOnly: true });
    expect(unread.data!.notifications.nodes.map((n) => n.id)).toEqual([mine[2]]);
    expect(unread.data!.notifications.totalCount).toBe(1);
    const count = await asAlice<{ unreadNotificationCount: number }>("{ unreadNotificationCount }");
    expect(count.data!.unreadNotificationCount).toBe(1);
  });

  it.each([
    ["someone else's", () => [mine[2], bobs], "NOT_FOUND", ["ids", "1"]],
    ["a missing one", () => [mine[2], toGlobalId("Notification", 999999)], "NOT_FOUND", ["ids", "1"]],
    ["not an ID", () => [mine[2], "not-an-id"], "BAD_USER_INPUT", ["ids", "1"]],
    ["a Task's ID", () => [toGlobalId("Task", 7)], "BAD_USER_INPUT", ["ids", "0"]],
    ["none", () => [], "BAD_USER_INPUT", ["ids"]],
    ["more than 100", () => Array.from({ length: 101 }, () => mine[2]), "BAD_USER_INPUT", ["ids"]],
  ])("refuses %s and changes nothing", async (_name, ids, code, field) => {
    const r = await asAlice<MarkResult>(MARK, { ids: ids() });
    expect(r.errors).toBeUndefined();
    expect(r.data!.markNotificationsRead.notifications).toEqual([]);
    expect(r.data!.markNotificationsRead.userErrors.map((e) => [e.code, e.field])).toEqual([[code, field]]);
    const [row] = await app.db.ds.query(
      "SELECT read_at FROM notification WHERE user_id = ? ORDER BY id DESC LIMIT 1",
      [alice.id],
    );
    expect(row.read_at).toBeNull();
    const [bobRow] = await app.db.ds.query("SELECT read_at FROM notification WHERE user_id = ?", [bob.id]);
    expect(bobRow.read_at).toBeNull();
  });

  it("opens your own with node(id:), and someone else's looks missing", async () => {
    const q = `query($id: ID!) { node(id: $id) { __typename ... on Notification { title } } }`;
    const own = await asAlice<{ node: { __typename: string; title: string } | null }>(q, { id: mine[2] });
    expect(own.data!.node).toEqual({ __typename: "Notification", title: "Đến hạn hôm nay: A" });
    const other = await asAlice<{ node: unknown }>(q, { id: bobs });
    expect(other.errors).toBeUndefined();
    expect(other.data!.node).toBeNull();
  });
});
