import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

describe("comments on a task", () => {
  let app: TestApp;
  let taskId: string;
  let commune: string;
  let sibling: string;
  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 2, 0, "Bình");
    const a = await makeOrg(ds, { unit: tree.communes[0][0] });
    const b = await makeOrg(ds, { unit: tree.communes[0][1] });
    const plan = await makePlan(ds, { scope: tree.province });
    taskId = toGlobalId("Task", (await makeTask(ds, { plan, lead: a, units: [tree.communes[0][0]] })).id);
    commune = await app.tokenFor(
      await makeUser(ds, { org: a, roles: [Role.COMMUNE_OFFICER], displayName: "Cán bộ xã" }),
    );
    sibling = await app.tokenFor(await makeUser(ds, { org: b, roles: [Role.COMMUNE_OFFICER] }));
  });
  afterAll(async () => {
    await app.close();
  });

  const ADD = `mutation($i: AddTaskCommentInput!) { addTaskComment(input: $i) { comment { body author { displayName } } userErrors { code } } }`;
  const LIST = `query($t: ID!) { taskComments(taskId: $t, first: 10) { totalCount nodes { body } } }`;

  it("is written and read by those on the task, in Vietnamese, oldest first", async () => {
    const r = await app.gqlAs<{
      addTaskComment: { comment: { body: string; author: { displayName: string } } };
    }>(commune, ADD, {
      i: { taskId, body: "Đã họp thôn, thống nhất lộ trình." },
    });
    expect(r.data!.addTaskComment.comment).toEqual({
      body: "Đã họp thôn, thống nhất lộ trình.",
      author: { displayName: "Cán bộ xã" },
    });
    await app.gqlAs(commune, ADD, { i: { taskId, body: "Lần hai" } });
    const list = await app.gqlAs<{ taskComments: { totalCount: number; nodes: Array<{ body: string }> } }>(
      commune,
      LIST,
      { t: taskId },
    );
    expect(list.data!.taskComments).toEqual({
      totalCount: 2,
      nodes: [{ body: "Đã họp thôn, thống nhất lộ trình." }, { body: "Lần hai" }],
    });
  });

  it("is hidden from a sibling commune, and bad input writes nothing", async () => {
    const count = async () => Number((await app.db.ds.query("SELECT COUNT(*) AS n FROM task_comment"))[0].n);
    const before = await count();
    const denied = await app.gqlAs<{ addTaskComment: { userErrors: Array<{ code: string }> } }>(
      sibling,
      ADD,
      { i: { taskId, body: "x" } },
    );
    expect(denied.data!.addTaskComment.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    const read = await app.gqlAs(sibling, LIST, { t: taskId });
    expect(read.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const empty = await app.gqlAs<{ addTaskComment: { userErrors: Array<{ code: string }> } }>(commune, ADD, {
      i: { taskId, body: "   " },
    });
    expect(empty.data!.addTaskComment.userErrors.map((e) => e.code)).toEqual(["BAD_USER_INPUT"]);
    const long = await app.gqlAs<{ addTaskComment: { userErrors: Array<{ code: string }> } }>(commune, ADD, {
      i: { taskId, body: "x".repeat(5001) },
    });
    expect(long.data!.addTaskComment.userErrors.map((e) => e.code)).toEqual(["BAD_USER_INPUT"]);
    expect(await count()).toBe(before);
  });
});
