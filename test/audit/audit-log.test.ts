import type { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeTree, makeUser, type Tree } from "../factories";
import { type GqlResult, startTestApp, type TestApp } from "../helpers/server";

interface Entry {
  id: string;
  action: string;
  objectType: string;
  objectId: string | null;
  actorEmail: string | null;
  actor: { id: string } | null;
  requestId: string;
  before: string | null;
  after: string | null;
}
interface Page {
  auditEntries: {
    totalCount: number;
    nodes: Entry[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const ENTRIES = `query($f: AuditFilter, $first: Int, $after: String) {
  auditEntries(first: $first, after: $after, filter: $f) {
    totalCount
    nodes { id action objectType objectId actorEmail actor { id } requestId before after }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id version } userErrors { code } } }`;

const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;

describe("the audit log", () => {
  let app: TestApp;
  let a: Tree;
  let b: Tree;
  let orgA: Organization;
  let communeOrgA: Organization;
  let orgB: Organization;
  let coordinator: User;
  let coordToken: string;
  let communeToken: string;
  /** Global IDs of the users the administrator created in each province. */
  const createdInA: string[] = [];
  const createdInB: string[] = [];

  async function create(org: Organization, label: string): Promise<string> {
    const r = await app.gql<{ createUser: { user: { id: string }; userErrors: unknown[] } }>(CREATE, {
      input: {
        email: `${label}@audit-test.vn`,
        displayName: `Người dùng ${label}`,
        organizationId: toGlobalId("Organization", org.id),
        password: "Đủ dài và khó đoán 2022",
        roles: ["VIEWER"],
      },
    });
    expect(r.data!.createUser.userErrors).toEqual([]);
    return r.data!.createUser.user.id;
  }

  async function all(token: string | null, f?: Record<string, unknown>): Promise<Entry[]> {
    const out: Entry[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const r: GqlResult<Page> = await app.gqlAs<Page>(token, ENTRIES, { f, first: 3, after });
      expect(r.errors).toBeUndefined();
      out.push(...r.data!.auditEntries.nodes);
      if (!r.data!.auditEntries.pageInfo.hasNextPage) return out;
      after = r.data!.auditEntries.pageInfo.endCursor;
    }
    throw new Error("too many pages");
  }

  beforeAll(async () => {
    app = await startTestApp();
    a = await makeTree(app.db.ds, 1, 1, 0, "Nhật ký A");
    b = await makeTree(app.db.ds, 1, 1, 0, "Nhật ký B");
    orgA = await makeOrg(app.db.ds, { unit: a.province, kind: OrganizationKind.COORDINATION_OFFICE });
    communeOrgA = await makeOrg(app.db.ds, { unit: a.communes[0][0] });
    orgB = await makeOrg(app.db.ds, { unit: b.province });
    coordinator = await makeUser(app.db.ds, { org: orgA, roles: [Role.PROVINCIAL_COORDINATOR] });
    const communeOfficer = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.COMMUNE_OFFICER] });
    coordToken = await app.tokenFor(coordinator);
    communeToken = await app.tokenFor(communeOfficer);
    for (let i = 0; i < 3; i++) createdInA.push(await create(i === 0 ? orgA : communeOrgA, `a${i}`));
    for (let i = 0; i < 2; i++) createdInB.push(await create(orgB, `b${i}`));
  });
  afterAll(async () => {
    await app.close();
  });

  it("shows an administrator every entry, newest first, across pages", async () => {
    const entries = await all(await app.tokenFor(app.admin));
    const created = entries.filter((e) => e.action === "user.create").map((e) => e.objectId);
    expect(created).toEqual([...createdInA, ...createdInB].reverse());
    const ids = entries.map((e) => Number(Buffer.from(e.id, "base64url").toString().split(":")[1]));
    expect([...ids].sort((x, y) => y - x)).toEqual(ids);
    const first = entries.find((e) => e.objectId === createdInB[1])!;
    expect(first).toMatchObject({
      objectType: "User",
      actorEmail: app.admin.email,
      actor: { id: toGlobalId("User", app.admin.id) },
      before: null,
    });
    expect(JSON.parse(first.after!)).toMatchObject({ email: "b1@audit-test.vn", roles: ["viewer"] });
    expect(first.after).not.toMatch(/passwordHash|scrypt/);
  });

  it("shows a coordinator the entries of their subtree only", async () => {
    const entries = await all(coordToken);
    expect(entries.map((e) => e.objectId)).toEqual([...createdInA].reverse());
    // The actor (an administrator elsewhere) is not theirs to see; the e-mail at the time is kept.
    expect(entries[0]).toMatchObject({ actor: null, actorEmail: app.admin.email });

    const count = await app.gqlAs<Page>(coordToken, `{ auditEntries(first: 1) { totalCount } }`);
    expect(count.data!.auditEntries.totalCount).toBe(createdInA.length);

    const admin = await all(await app.tokenFor(app.admin), { objectId: createdInB[0] });
    expect(admin).toHaveLength(1);
    const hidden = await app.gqlAs(coordToken, `query($id: ID!) { auditEntry(id: $id) { id } }`, {
      id: admin[0].id,
    });
    expect(codeOf(hidden)).toBe("NOT_FOUND");
    const missing = await app.gqlAs(coordToken, `query($id: ID!) { auditEntry(id: $id) { id } }`, {
      id: toGlobalId("AuditEntry", 999999),
    });
    expect(codeOf(missing)).toBe("NOT_FOUND");
    expect(missing.errors![0].message).toBe(hidden.errors![0].message);
    const own = entries[0];
    const visible = await app.gqlAs<{ auditEntry: { id: string; action: string } }>(
      coordToken,
      `query($id: ID!) { auditEntry(id: $id) { id action } }`,
      { id: own.id },
    );
    expect(visible.data!.auditEntry).toEqual({ id: own.id, action: "user.create" });
    expect(await all(coordToken, { objectId: createdInB[0] })).toEqual([]);
  });

  it("filters by object, actor, action and time", async () => {
    const adminToken = await app.tokenFor(app.admin);
    const byObject = await all(adminToken, { objectId: createdInA[1] });
    expect(byObject.map((e) => [e.action, e.objectId])).toEqual([["user.create", createdInA[1]]]);
    expect(await all(adminToken, { objectType: "Task" })).toEqual([]);
    const byActor = await all(adminToken, {
      actorUserId: toGlobalId("User", app.admin.id),
      action: "user.create",
    });
    expect(byActor).toHaveLength(createdInA.length + createdInB.length);
    expect(await all(adminToken, { actorUserId: toGlobalId("User", coordinator.id) })).toEqual([]);
    expect(await all(adminToken, { from: "2100-01-01T00:00:00Z" })).toEqual([]);
    expect(await all(adminToken, { to: "2000-01-01T00:00:00Z" })).toEqual([]);
    expect(
      (await all(adminToken, { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" })).length,
    ).toBeGreaterThan(0);
    const reversed = await app.gql(ENTRIES, {
      f: { from: "2022-02-01T00:00:00Z", to: "2022-01-01T00:00:00Z" },
    });
    expect(codeOf(reversed)).toBe("BAD_USER_INPUT");
    const badId = await app.gql(ENTRIES, { f: { objectId: "not-an-id!" } });
    expect(codeOf(badId)).toBe("BAD_USER_INPUT");
  });

  it("refuses roles without audit rights with FORBIDDEN", async () => {
    const r = await app.gqlAs(communeToken, `{ auditEntries(first: 5) { totalCount nodes { id } } }`);
    expect(codeOf(r)).toBe("FORBIDDEN");
    expect(r.data).toBeNull();
    const leader = await makeUser(app.db.ds, { org: orgA, roles: [Role.PROVINCIAL_LEADER] });
    const asLeader = await app.gqlAs(await app.tokenFor(leader), `{ auditEntries(first: 5) { totalCount } }`);
    expect(codeOf(asLeader)).toBe("FORBIDDEN");
    const anonymous = await app.gqlAs(null, `{ auditEntries(first: 5) { totalCount } }`);
    expect(codeOf(anonymous)).toBe("UNAUTHENTICATED");
  });

  it("cannot be changed: the database refuses UPDATE and DELETE", async () => {
    const [{ n }] = (await app.db.ds.query("SELECT COUNT(*) AS n FROM audit_entry")) as Array<{ n: string }>;
    await expect(app.db.ds.query("UPDATE audit_entry SET action = 'tampered'")).rejects.toThrow(
      /append-only/,
    );
    await expect(app.db.ds.query("UPDATE audit_entry SET `after` = NULL WHERE id > 0")).rejects.toThrow(
      /append-only/,
    );
    await expect(app.db.ds.query("DELETE FROM audit_entry")).rejects.toThrow(/append-only/);
    await expect(app.db.ds.query("DELETE FROM audit_entry WHERE id > 0")).rejects.toThrow(/append-only/);
    const [{ n: after }] = (await app.db.ds.query("SELECT COUNT(*) AS n FROM audit_entry")) as Array<{
      n: string;
    }>;
    expect(after).toBe(n);
    const [{ tampered }] = (await app.db.ds.query(
      "SELECT COUNT(*) AS tampered FROM audit_entry WHERE action = 'tampered' OR `after` IS NULL AND action = 'user.create'",
    )) as Array<{ tampered: string }>;
    expect(Number(tampered)).toBe(0);
  });

  it("cannot be changed: no GraphQL mutation touches the audit log", async () => {
    const r = await app.gql<{ __schema: { mutationType: { fields: Array<{ name: string }> } } }>(
      `{ __schema { mutationType { fields { name } } } }`,
    );
    const names = r.data!.__schema.mutationType.fields.map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => /audit/i.test(n))).toEqual([]);
  });
});
