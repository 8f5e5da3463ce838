import { toGlobalId } from "../../src/shared/ids";
import { makePlan, makeTree, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;

describe("bad input gets a clear, typed error", () => {
  let app: TestApp;
  let tree: Tree;
  beforeAll(async () => {
    app = await startTestApp();
    tree = await makeTree(app.db.ds, 1, 1, 0, "Lỗi");
    await makePlan(app.db.ds, { scope: tree.province });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    [0, "first must be at least 1"],
    [101, "first must be at most 100"],
    [-5, "first must be at least 1"],
  ])("rejects first: %d", async (first, message) => {
    const r = await app.gql(`query($f: Int!) { tasks(first: $f) { totalCount } }`, { f: first });
    expect(codeOf(r)).toBe("BAD_USER_INPUT");
    expect(r.errors![0].message).toBe(message);
    expect(r.data).toBeNull();
  });

  it("accepts first: 1 and first: 100", async () => {
    for (const f of [1, 100]) {
      const r = await app.gql(`query($f: Int!) { units(first: $f) { totalCount } }`, { f });
      expect(r.errors).toBeUndefined();
    }
  });

  it.each([
    ["garbage", "not-a-cursor!"],
    ["valid base64, not JSON", Buffer.from("hello").toString("base64url")],
    [
      "a cursor of another order",
      Buffer.from(JSON.stringify({ s: "code_asc", v: ["A", 1] })).toString("base64url"),
    ],
    ["wrong arity", Buffer.from(JSON.stringify({ s: "due_asc", v: ["2022-01-01"] })).toString("base64url")],
  ])("rejects a malformed cursor (%s)", async (_label, after) => {
    const r = await app.gql(`query($a: String) { tasks(first: 5, after: $a) { totalCount } }`, { a: after });
    expect(codeOf(r)).toBe("BAD_USER_INPUT");
    expect(r.errors![0].message).toMatch(/after is not a valid cursor/);
  });

  it("answers NOT_FOUND for a well-formed ID that matches nothing", async () => {
    for (const [field, type] of [
      ["unit", "Unit"],
      ["task", "Task"],
      ["plan", "Plan"],
      ["organization", "Organization"],
      ["criteriaSet", "CriteriaSet"],
      ["assessment", "Assessment"],
      ["recognition", "Recognition"],
    ] as const) {
      const r = await app.gql(`query($id: ID!) { ${field}(id: $id) { id } }`, {
        id: toGlobalId(type, 999999),
      });
      expect([field, codeOf(r)]).toEqual([field, "NOT_FOUND"]);
    }
    const node = await app.gql<{ node: null }>(`query($id: ID!) { node(id: $id) { id } }`, {
      id: toGlobalId("Task", 999999),
    });
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toBeNull();
  });

  it("rejects IDs that are malformed or of another type", async () => {
    const wrongType = await app.gql(`query($id: ID!) { task(id: $id) { id } }`, {
      id: toGlobalId("Unit", tree.province.id),
    });
    expect(codeOf(wrongType)).toBe("BAD_USER_INPUT");
    expect(wrongType.errors![0].message).toBe("id is not a valid Task ID");
    for (const id of [
      "",
      "123",
      "!!!",
      Buffer.from("Task:0").toString("base64url"),
      Buffer.from("Task:1x").toString("base64url"),
    ]) {
      const r = await app.gql(`query($id: ID!) { task(id: $id) { id } }`, { id });
      expect([id, codeOf(r)]).toEqual([id, "BAD_USER_INPUT"]);
    }
    const inFilter = await app.gql(`{ tasks(first: 5, filter: { planId: "nope" }) { totalCount } }`);
    expect(codeOf(inFilter)).toBe("BAD_USER_INPUT");
    expect(inFilter.errors![0].message).toBe("planId is not a valid Plan ID");
  });

  it("resolves node(id:) for every type and returns the typed object", async () => {
    const r = await app.gql<{ node: { __typename: string; name: string } }>(
      `query($id: ID!) { node(id: $id) { __typename id ... on Unit { name } } }`,
      { id: toGlobalId("Unit", tree.province.id) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.node).toMatchObject({ __typename: "Unit", name: tree.province.name });
  });

  it("rejects a wrong enum value", async () => {
    const literal = await app.gql(`{ tasks(first: 5, filter: { statuses: [FINISHED] }) { totalCount } }`);
    expect(codeOf(literal)).toBe("GRAPHQL_VALIDATION_FAILED");
    const variable = await app.gql(
      `query($s: [TaskStatus!]) { tasks(first: 5, filter: { statuses: $s }) { totalCount } }`,
      {
        s: ["FINISHED"],
      },
    );
    expect(codeOf(variable)).toBe("BAD_USER_INPUT");
  });

  it("rejects impossible, out-of-range and reversed dates", async () => {
    const q = `query($f: TaskFilter) { tasks(first: 5, filter: $f) { totalCount } }`;
    const impossible = await app.gql(q, { f: { dueFrom: "2022-02-30" } });
    expect(codeOf(impossible)).toBe("BAD_USER_INPUT");
    const early = await app.gql(q, { f: { dueFrom: "1800-01-01" } });
    expect(codeOf(early)).toBe("BAD_USER_INPUT");
    expect(early.errors![0].message).toBe("dueFrom must be between 1900-01-01 and 2199-12-31");
    const reversed = await app.gql(q, { f: { dueFrom: "2022-12-31", dueTo: "2022-01-01" } });
    expect(codeOf(reversed)).toBe("BAD_USER_INPUT");
    expect(reversed.errors![0].message).toBe("dueFrom must not be after dueTo");
    const notADate = await app.gql(q, { f: { dueTo: "tomorrow" } });
    expect(codeOf(notADate)).toBe("BAD_USER_INPUT");
  });

  it("rejects a search string that is too long", async () => {
    const r = await app.gql(`query($s: String) { units(first: 5, filter: { search: $s }) { totalCount } }`, {
      s: "x".repeat(101),
    });
    expect(codeOf(r)).toBe("BAD_USER_INPUT");
    expect(r.errors![0].message).toBe("search must be 1 to 100 characters");
  });

  it("answers a body that is not JSON with 400 and a typed error", async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("serves /health, and 404 elsewhere", async () => {
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await fetch(`${app.url}/nowhere`)).status).toBe(404);
  });

  it("never shows SQL, driver errors or stack traces to a client", async () => {
    await app.db.ds.query("RENAME TABLE task TO task_hidden");
    try {
      const r = await app.gql(`{ tasks(first: 5) { totalCount nodes { code } } }`);
      expect(codeOf(r)).toBe("INTERNAL_SERVER_ERROR");
      expect(r.errors![0].message).toBe("Internal server error");
      expect(r.raw).not.toMatch(
        /SELECT |task_hidden|\bER_[A-Z]|errno|sqlMessage|stacktrace|\.ts:\d+|\bat [A-Za-z.]+ \(/,
      );
    } finally {
      await app.db.ds.query("RENAME TABLE task_hidden TO task");
    }
  });
});
