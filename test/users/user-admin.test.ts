import { randomUUID } from "node:crypto";
import { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { isDuplicateEmail } from "../../src/users/commands/create-user.command";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeTree, makeUser, TEST_PASSWORD, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

interface UserError {
  field: string[];
  message: string;
  code: string;
}
interface UserNode {
  id: string;
  email: string;
  status: "ACTIVE" | "DISABLED";
  version: number;
  roles: string[];
  organization: { id: string };
  viewerCan: { update: boolean; disable: boolean; changeRoles: boolean };
}
interface Payload {
  user: UserNode | null;
  userErrors: UserError[];
}
interface Response<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const USER_FIELDS = `user { id email status version roles organization { id } viewerCan { update disable changeRoles } }
  userErrors { field message code }`;
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`;
const DISABLE = `mutation($id: ID!, $version: Int!) { disableUser(id: $id, version: $version) { ${USER_FIELDS} } }`;
const ENABLE = `mutation($id: ID!, $version: Int!) { enableUser(id: $id, version: $version) { ${USER_FIELDS} } }`;
const SET_ROLES = `mutation($id: ID!, $roles: [Role!]!, $version: Int!) {
  setUserRoles(id: $id, roles: $roles, version: $version) { ${USER_FIELDS} } }`;
const LOGIN = `mutation($email: String!, $password: String!) {
  login(input: { email: $email, password: $password }) {
    tokens { accessToken refreshToken } userErrors { code } } }`;

const STRONG = "Một mật khẩu đủ dài 2022";

describe("user administration", () => {
  let app: TestApp;
  let a: Tree;
  let b: Tree;
  let coordOrgA: Organization;
  let communeOrgA: Organization;
  let provinceOrgB: Organization;
  let coordinator: User;
  let communeOfficer: User;
  let adminToken: string;
  let coordToken: string;
  let communeToken: string;
  let seq = 0;
  const email = (label: string) => `${label}.${++seq}@admin-test.vn`;

  /** POSTs as the holder of `token` with our own x-request-id (app.gqlAs sends none). */
  async function gqlWith<T>(
    token: string | null,
    requestId: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Response<T>> {
    const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": requestId };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
    expect(res.headers.get("x-request-id")).toBe(requestId);
    return { status: res.status, ...((await res.json()) as Omit<Response<T>, "status">) };
  }

  async function counts() {
    const [row] = (await app.db.ds.query(
      `SELECT (SELECT COUNT(*) FROM app_user) AS users, (SELECT COUNT(*) FROM user_role) AS roles,
              (SELECT COUNT(*) FROM audit_entry) AS audit,
              (SELECT COUNT(*) FROM refresh_token WHERE revoked_at IS NULL) AS liveTokens`,
    )) as Array<Record<string, string | number>>;
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  }

  async function auditOf(requestId: string) {
    return (await app.db.ds.query(
      "SELECT action, object_type, object_id, actor_user_id, scope_path, `before`, `after`, request_id FROM audit_entry WHERE request_id = ?",
      [requestId],
    )) as Array<{
      action: string;
      object_type: string;
      object_id: number;
      actor_user_id: number;
      scope_path: string;
      before: string | null;
      after: string | null;
      request_id: string;
    }>;
  }

  async function dbUser(id: number) {
    const [row] = (await app.db.ds.query(
      `SELECT u.status, u.version, (SELECT GROUP_CONCAT(r.role ORDER BY r.role) FROM user_role r WHERE r.user_id = u.id) AS roles
         FROM app_user u WHERE u.id = ?`,
      [id],
    )) as Array<{ status: string; version: number; roles: string | null }>;
    return row;
  }

  const gid = (u: { id: number }) => toGlobalId("User", u.id);
  const createInput = (org: Organization, extra: Record<string, unknown> = {}) => ({
    email: email("new"),
    displayName: "Người dùng mới",
    organizationId: toGlobalId("Organization", org.id),
    password: STRONG,
    roles: ["COMMUNE_OFFICER"],
    ...extra,
  });

  async function mutate(token: string, query: string, variables: Record<string, unknown>, field: string) {
    const requestId = `req-${randomUUID()}`;
    const r = await gqlWith<Record<string, Payload>>(token, requestId, query, variables);
    expect(r.errors).toBeUndefined();
    return { payload: r.data![field], requestId };
  }

  beforeAll(async () => {
    app = await startTestApp();
    a = await makeTree(app.db.ds, 2, 2, 0, "Quản lý A");
    b = await makeTree(app.db.ds, 1, 1, 0, "Quản lý B");
    coordOrgA = await makeOrg(app.db.ds, {
      unit: a.province,
      name: "Văn phòng Điều phối NTM A",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    communeOrgA = await makeOrg(app.db.ds, { unit: a.communes[0][0] });
    provinceOrgB = await makeOrg(app.db.ds, { unit: b.province });
    coordinator = await makeUser(app.db.ds, { org: coordOrgA, roles: [Role.PROVINCIAL_COORDINATOR] });
    communeOfficer = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.COMMUNE_OFFICER] });
    adminToken = await app.tokenFor(app.admin);
    coordToken = await app.tokenFor(coordinator);
    communeToken = await app.tokenFor(communeOfficer);
  });
  afterAll(async () => {
    await app.close();
  });

  it("an administrator creates a user anywhere, in lower case, with one audit entry of the request", async () => {
    const before = await counts();
    const input = createInput(provinceOrgB, {
      email: `  Nguyen.Van.A.${++seq}@Example.VN `,
      roles: ["VIEWER", "DISTRICT_OFFICER", "VIEWER"],
    });
    const { payload, requestId } = await mutate(adminToken, CREATE, { input }, "createUser");
    expect(payload.userErrors).toEqual([]);
    const user = payload.user!;
    expect(user.email).toBe(input.email.trim().toLowerCase());
    expect(user).toMatchObject({
      status: "ACTIVE",
      version: 1,
      roles: ["DISTRICT_OFFICER", "VIEWER"],
      organization: { id: toGlobalId("Organization", provinceOrgB.id) },
      viewerCan: { update: true, disable: true, changeRoles: true },
    });
    expect(await counts()).toEqual({
      ...before,
      users: before.users + 1,
      roles: before.roles + 2,
      audit: before.audit + 1,
    });

    const [entry, ...more] = await auditOf(requestId);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      action: "user.create",
      object_type: "User",
      actor_user_id: app.admin.id,
      scope_path: b.province.path,
      before: null,
    });
    expect(toGlobalId("User", entry.object_id)).toBe(user.id);
    const after = JSON.parse(entry.after!) as Record<string, unknown>;
    expect(after).toMatchObject({
      email: user.email,
      status: "active",
      roles: ["district_officer", "viewer"],
    });
    expect(entry.after).not.toMatch(/passwordHash|scrypt|password/);

    // The new user signs in with the password they were given.
    const login = await app.gqlAs<{ login: { tokens: unknown; userErrors: unknown[] } }>(null, LOGIN, {
      email: user.email,
      password: STRONG,
    });
    expect(login.data!.login.userErrors).toEqual([]);
  });

  it("a coordinator creates, disables, enables and re-roles a user of their province, one audit entry each", async () => {
    const created = await mutate(coordToken, CREATE, { input: createInput(communeOrgA) }, "createUser");
    expect(created.payload.userErrors).toEqual([]);
    const user = created.payload.user!;
    expect(await auditOf(created.requestId)).toHaveLength(1);

    const steps: Array<[string, string, Record<string, unknown>, string, Partial<UserNode>]> = [
      [DISABLE, "disableUser", { version: 1 }, "user.disable", { status: "DISABLED", version: 2 }],
      [ENABLE, "enableUser", { version: 2 }, "user.enable", { status: "ACTIVE", version: 3 }],
      [
        SET_ROLES,
        "setUserRoles",
        { version: 3, roles: ["VIEWER", "COMMUNE_OFFICER"] },
        "user.set_roles",
        { status: "ACTIVE", version: 4, roles: ["COMMUNE_OFFICER", "VIEWER"] },
      ],
    ];
    for (const [query, field, vars, action, expected] of steps) {
      const before = await counts();
      const { payload, requestId } = await mutate(coordToken, query, { id: user.id, ...vars }, field);
      expect([field, payload.userErrors]).toEqual([field, []]);
      expect(payload.user).toMatchObject(expected);
      const entries = await auditOf(requestId);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action,
        actor_user_id: coordinator.id,
        scope_path: a.communes[0][0].path,
      });
      expect(entries[0].before).not.toBeNull();
      expect(JSON.parse(entries[0].before!)).toMatchObject({ version: vars.version as number });
      expect(JSON.parse(entries[0].after!)).toMatchObject({ version: (vars.version as number) + 1 });
      expect((await counts()).audit).toBe(before.audit + 1);
    }
    const [entry] = await auditOf(
      (await mutate(coordToken, DISABLE, { id: user.id, version: 4 }, "disableUser")).requestId,
    );
    expect(JSON.parse(entry.before!)).toMatchObject({
      status: "active",
      roles: ["commune_officer", "viewer"],
    });
    expect(JSON.parse(entry.after!)).toMatchObject({ status: "disabled" });
  });

  it("a coordinator cannot manage the users of another province: NOT_FOUND like a missing user, nothing written", async () => {
    const outsider = await makeUser(app.db.ds, { org: provinceOrgB, roles: [Role.VIEWER] });
    const before = await counts();

    const create = await mutate(coordToken, CREATE, { input: createInput(provinceOrgB) }, "createUser");
    expect(create.payload).toEqual({
      user: null,
      userErrors: [
        { code: "NOT_FOUND", field: ["input", "organizationId"], message: "Organization not found" },
      ],
    });
    const missingOrg = await mutate(
      coordToken,
      CREATE,
      { input: createInput(provinceOrgB, { organizationId: toGlobalId("Organization", 999999) }) },
      "createUser",
    );
    expect(missingOrg.payload).toEqual(create.payload);

    for (const [query, field, extra] of [
      [DISABLE, "disableUser", {}],
      [ENABLE, "enableUser", {}],
      [SET_ROLES, "setUserRoles", { roles: ["VIEWER", "COMMUNE_OFFICER"] }],
    ] as const) {
      const hidden = await mutate(coordToken, query, { id: gid(outsider), version: 1, ...extra }, field);
      const missing = await mutate(
        coordToken,
        query,
        { id: toGlobalId("User", 999999), version: 1, ...extra },
        field,
      );
      expect([field, hidden.payload]).toEqual([
        field,
        { user: null, userErrors: [{ code: "NOT_FOUND", field: ["id"], message: "User not found" }] },
      ]);
      expect(hidden.payload).toEqual(missing.payload);
    }
    expect(await counts()).toEqual(before);
    expect(await dbUser(outsider.id)).toEqual({ status: "active", version: 1, roles: "viewer" });

    const read = await app.gqlAs(coordToken, `query($id: ID!) { user(id: $id) { id } }`, {
      id: gid(outsider),
    });
    expect(read.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("a coordinator cannot grant SYSTEM_ADMIN nor manage an administrator (FORBIDDEN), nothing written", async () => {
    const target = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.VIEWER] });
    const adminBelow = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.SYSTEM_ADMIN] });
    const before = await counts();

    const create = await mutate(
      coordToken,
      CREATE,
      { input: createInput(communeOrgA, { roles: ["VIEWER", "SYSTEM_ADMIN"] }) },
      "createUser",
    );
    expect(create.payload.user).toBeNull();
    expect(create.payload.userErrors).toEqual([
      { code: "FORBIDDEN", field: ["input", "roles"], message: "You may not grant these roles" },
    ]);
    const promote = await mutate(
      coordToken,
      SET_ROLES,
      { id: gid(target), version: 1, roles: ["SYSTEM_ADMIN"] },
      "setUserRoles",
    );
    expect(promote.payload.userErrors).toEqual([
      { code: "FORBIDDEN", field: ["roles"], message: "You may not grant these roles" },
    ]);
    const disableAdmin = await mutate(
      coordToken,
      DISABLE,
      { id: gid(adminBelow), version: 1 },
      "disableUser",
    );
    expect(disableAdmin.payload.userErrors).toEqual([
      { code: "FORBIDDEN", field: ["id"], message: "You may not disable this user" },
    ]);
    const self = await mutate(coordToken, DISABLE, { id: gid(coordinator), version: 1 }, "disableUser");
    expect(self.payload.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);

    expect(await counts()).toEqual(before);
    expect(await dbUser(target.id)).toEqual({ status: "active", version: 1, roles: "viewer" });
    expect(await dbUser(adminBelow.id)).toEqual({ status: "active", version: 1, roles: "system_admin" });

    // What the coordinator is told they may do agrees.
    const r = await app.gqlAs<{
      a: { viewerCan: unknown };
      b: { viewerCan: unknown };
      c: { viewerCan: unknown };
    }>(
      coordToken,
      `query($a: ID!, $b: ID!, $c: ID!) { a: user(id: $a) { viewerCan { update disable changeRoles } }
        b: user(id: $b) { viewerCan { update disable changeRoles } } c: user(id: $c) { viewerCan { update disable changeRoles } } }`,
      { a: gid(target), b: gid(adminBelow), c: gid(coordinator) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      a: { viewerCan: { update: true, disable: true, changeRoles: true } },
      b: { viewerCan: { update: false, disable: false, changeRoles: false } },
      c: { viewerCan: { update: true, disable: false, changeRoles: false } },
    });
  });

  it("a commune officer manages nobody: colleagues are NOT_FOUND to them", async () => {
    const colleague = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.COMMUNE_OFFICER] });
    const before = await counts();
    const create = await mutate(communeToken, CREATE, { input: createInput(communeOrgA) }, "createUser");
    expect(create.payload.userErrors.map((e) => [e.code, e.field.join(".")])).toEqual([
      ["NOT_FOUND", "input.organizationId"],
      ["FORBIDDEN", "input.roles"],
    ]);
    const disable = await mutate(communeToken, DISABLE, { id: gid(colleague), version: 1 }, "disableUser");
    expect(disable.payload.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    const self = await mutate(communeToken, DISABLE, { id: gid(communeOfficer), version: 1 }, "disableUser");
    expect(self.payload.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    expect(await counts()).toEqual(before);
  });

  describe("bad input gets typed userErrors and changes nothing", () => {
    let taken: string;
    beforeAll(async () => {
      taken = email("taken");
      await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.VIEWER], email: taken });
    });

    it.each<[string, () => Record<string, unknown>, Array<[string, string]>]>([
      [
        "a taken e-mail (other case)",
        () => ({ email: taken.toUpperCase() }),
        [["EMAIL_TAKEN", "input.email"]],
      ],
      ["a short password", () => ({ password: "ngắn quá" }), [["WEAK_PASSWORD", "input.password"]]],
      ["an obvious password", () => ({ password: "password1234567" }), [["WEAK_PASSWORD", "input.password"]]],
      [
        "an unknown organization",
        () => ({ organizationId: toGlobalId("Organization", 999999) }),
        [["NOT_FOUND", "input.organizationId"]],
      ],
      ["no roles", () => ({ roles: [] }), [["BAD_USER_INPUT", "input.roles"]]],
      ["not an e-mail", () => ({ email: "khong-phai-email" }), [["BAD_USER_INPUT", "input.email"]]],
      ["an empty name", () => ({ displayName: "   " }), [["BAD_USER_INPUT", "input.displayName"]]],
      [
        "several problems at once",
        () => ({ email: "x@", password: "short", roles: [] }),
        [
          ["BAD_USER_INPUT", "input.email"],
          ["WEAK_PASSWORD", "input.password"],
          ["BAD_USER_INPUT", "input.roles"],
        ],
      ],
    ])("%s", async (_label, extra, expected) => {
      const before = await counts();
      for (const token of [adminToken, coordToken]) {
        const { payload } = await mutate(
          token,
          CREATE,
          { input: createInput(communeOrgA, extra()) },
          "createUser",
        );
        expect(payload.user).toBeNull();
        expect(payload.userErrors.map((e) => [e.code, e.field.join(".")])).toEqual(expected);
        for (const e of payload.userErrors) expect(e.message).toMatch(/\w/);
      }
      expect(await counts()).toEqual(before);
    });

    it("empty roles for setUserRoles", async () => {
      const target = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.VIEWER] });
      const before = await counts();
      const { payload } = await mutate(
        coordToken,
        SET_ROLES,
        { id: gid(target), version: 1, roles: [] },
        "setUserRoles",
      );
      expect(payload.userErrors.map((e) => [e.code, e.field.join(".")])).toEqual([
        ["BAD_USER_INPUT", "roles"],
      ]);
      expect(await counts()).toEqual(before);
      expect(await dbUser(target.id)).toEqual({ status: "active", version: 1, roles: "viewer" });
    });

    it("a malformed ID is a BAD_USER_INPUT error", async () => {
      const r = await app.gqlAs(coordToken, DISABLE, { id: toGlobalId("Unit", a.province.id), version: 1 });
      expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    });

    it("recognises the unique-key violation on the e-mail (the race the pre-check cannot see)", async () => {
      const err = await app.db.ds
        .getRepository(User)
        .insert({ email: taken, displayName: "Trùng", orgId: communeOrgA.id })
        .catch((e: unknown) => e);
      expect(isDuplicateEmail(err)).toBe(true);
      expect(isDuplicateEmail(new Error("Duplicate entry"))).toBe(false);
    });

    it("two requests creating the same e-mail at once: one user, the other EMAIL_TAKEN", async () => {
      const before = await counts();
      const same = email("race");
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          mutate(adminToken, CREATE, { input: createInput(communeOrgA, { email: same }) }, "createUser"),
        ),
      );
      const errors = results.flatMap((r) => r.payload.userErrors.map((e) => e.code));
      expect(results.filter((r) => r.payload.user !== null)).toHaveLength(1);
      expect(errors).toEqual(["EMAIL_TAKEN", "EMAIL_TAKEN"]);
      expect(await counts()).toEqual({
        ...before,
        users: before.users + 1,
        roles: before.roles + 1,
        audit: before.audit + 1,
      });
    });
  });

  it("a stale version is a CONFLICT that names the current version, and changes nothing", async () => {
    const target = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.VIEWER] });
    await app.db.ds.query("UPDATE app_user SET version = 7 WHERE id = ?", [target.id]);
    const before = await counts();
    for (const [query, field, extra] of [
      [DISABLE, "disableUser", {}],
      [SET_ROLES, "setUserRoles", { roles: ["COMMUNE_OFFICER"] }],
    ] as const) {
      const { payload } = await mutate(coordToken, query, { id: gid(target), version: 6, ...extra }, field);
      expect(payload.user).toBeNull();
      expect(payload.userErrors).toHaveLength(1);
      expect(payload.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["version"] });
      expect(payload.userErrors[0].message).toMatch(/current version is 7/);
    }
    expect(await counts()).toEqual(before);
    expect(await dbUser(target.id)).toEqual({ status: "active", version: 7, roles: "viewer" });

    // Two changes from the same version at once: one wins, the other is told of the conflict.
    const [x, y] = await Promise.all([
      mutate(coordToken, DISABLE, { id: gid(target), version: 7 }, "disableUser"),
      mutate(
        coordToken,
        SET_ROLES,
        { id: gid(target), version: 7, roles: ["COMMUNE_OFFICER"] },
        "setUserRoles",
      ),
    ]);
    const outcomes = [x, y].map((r) => r.payload.userErrors.map((e) => e.code).join() || "ok").sort();
    expect(outcomes).toEqual(["CONFLICT", "ok"]);
    expect((await dbUser(target.id)).version).toBe(8);
    expect((await counts()).audit).toBe(before.audit + 1);
  });

  it("disabling ends every session: the access token gets 401 and the refresh token is refused", async () => {
    const victim = await makeUser(app.db.ds, { org: communeOrgA, roles: [Role.COMMUNE_OFFICER] });
    const login = await app.gqlAs<{
      login: { tokens: { accessToken: string; refreshToken: string }; userErrors: unknown[] };
    }>(null, LOGIN, { email: victim.email, password: TEST_PASSWORD });
    expect(login.data!.login.userErrors).toEqual([]);
    const { accessToken, refreshToken } = login.data!.login.tokens;
    const otherSession = await app.tokenFor(victim);
    const me = await app.gqlAs(accessToken, `{ me { user { email } } }`);
    expect(me.errors).toBeUndefined();

    const { payload } = await mutate(coordToken, DISABLE, { id: gid(victim), version: 1 }, "disableUser");
    expect(payload.userErrors).toEqual([]);
    const [{ live }] = (await app.db.ds.query(
      "SELECT COUNT(*) AS live FROM refresh_token WHERE user_id = ? AND revoked_at IS NULL",
      [victim.id],
    )) as Array<{ live: string }>;
    expect(Number(live)).toBe(0);

    for (const token of [accessToken, otherSession]) {
      const refused = await app.gqlAs(token, `{ me { user { email } } }`);
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    const refresh = await app.gqlAs<{
      refreshToken: { tokens: unknown; userErrors: Array<{ code: string }> };
    }>(
      null,
      `mutation($t: String!) { refreshToken(refreshToken: $t) { tokens { accessToken } userErrors { code } } }`,
      { t: refreshToken },
    );
    expect(refresh.data!.refreshToken.tokens).toBeNull();
    expect(refresh.data!.refreshToken.userErrors.length).toBeGreaterThan(0);
    const again = await app.gqlAs<{ login: { tokens: unknown; userErrors: Array<{ code: string }> } }>(
      null,
      LOGIN,
      {
        email: victim.email,
        password: TEST_PASSWORD,
      },
    );
    expect(again.data!.login).toEqual({ tokens: null, userErrors: [{ code: "ACCOUNT_DISABLED" }] });

    // Enabled again, they sign in again (old sessions stay ended).
    const enabled = await mutate(coordToken, ENABLE, { id: gid(victim), version: 2 }, "enableUser");
    expect(enabled.payload.userErrors).toEqual([]);
    expect((await app.gqlAs(accessToken, `{ me { user { email } } }`)).status).toBe(401);
    const back = await app.gqlAs<{ login: { userErrors: unknown[] } }>(null, LOGIN, {
      email: victim.email,
      password: TEST_PASSWORD,
    });
    expect(back.data!.login.userErrors).toEqual([]);
  });

  it("lists users in the viewer's scope only, with filters", async () => {
    const inB = await makeUser(app.db.ds, {
      org: provinceOrgB,
      roles: [Role.VIEWER],
      displayName: "Hoàng Thị Bích",
    });
    const inA = await makeUser(app.db.ds, {
      org: communeOrgA,
      roles: [Role.VILLAGE_BOARD_MEMBER],
      displayName: "Lưu Văn Lọc",
    });
    const LIST = `query($f: UserFilter, $after: String) { users(first: 100, filter: $f, after: $after) {
      totalCount nodes { id email } pageInfo { hasNextPage endCursor } } }`;
    type List = { users: { totalCount: number; nodes: Array<{ id: string; email: string }> } };
    const ids = async (token: string, f?: Record<string, unknown>) => {
      const r = await app.gqlAs<List>(token, LIST, { f });
      expect(r.errors).toBeUndefined();
      expect(r.data!.users.totalCount).toBe(r.data!.users.nodes.length);
      return r.data!.users.nodes.map((n) => n.id);
    };

    const [{ inScopeA }] = (await app.db.ds.query(
      `SELECT COUNT(*) AS inScopeA FROM app_user u JOIN organization o ON o.id = u.org_id
         JOIN admin_unit un ON un.id = o.unit_id WHERE un.path LIKE ?`,
      [`${a.province.path}%`],
    )) as Array<{ inScopeA: string }>;
    const coordSees = await ids(coordToken);
    expect(coordSees).toHaveLength(Number(inScopeA));
    expect(coordSees).toContain(gid(inA));
    expect(coordSees).not.toContain(gid(inB));
    expect(coordSees).not.toContain(gid(app.admin));

    expect(await ids(communeToken)).toEqual([gid(communeOfficer)]);

    const adminSees = await ids(adminToken);
    expect(adminSees).toEqual(expect.arrayContaining([gid(inA), gid(inB), gid(app.admin), gid(coordinator)]));

    expect(await ids(coordToken, { search: "Lưu Văn" })).toEqual([gid(inA)]);
    expect(await ids(coordToken, { search: "Hoàng Thị" })).toEqual([]);
    expect(await ids(adminToken, { search: "Hoàng Thị" })).toEqual([gid(inB)]);
    expect(await ids(coordToken, { role: "VILLAGE_BOARD_MEMBER" })).toEqual([gid(inA)]);
    const disabled = await ids(coordToken, { status: "DISABLED" });
    for (const id of disabled) {
      const r = await app.gqlAs<{ user: { status: string } }>(
        coordToken,
        `query($id: ID!) { user(id: $id) { status } }`,
        {
          id,
        },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.user.status).toBe("DISABLED");
    }
    expect(disabled.length).toBeGreaterThan(0);
    expect(await ids(coordToken, { organizationId: toGlobalId("Organization", provinceOrgB.id) })).toEqual(
      [],
    );
    expect(await ids(adminToken, { organizationId: toGlobalId("Organization", provinceOrgB.id) })).toContain(
      gid(inB),
    );

    // Pages follow e-mail order without gaps.
    const paged: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const r: {
        data?: {
          users: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
        } | null;
      } = await app.gqlAs(coordToken, LIST.replace("first: 100", "first: 2"), { after });
      paged.push(...r.data!.users.nodes.map((n) => n.id));
      if (!r.data!.users.pageInfo.hasNextPage) break;
      after = r.data!.users.pageInfo.endCursor;
    }
    expect(paged).toEqual(coordSees);

    // The page size does not change the number of SQL statements (loaders batch per tick).
    const statements = async (first: number) => {
      app.db.sql.reset();
      const r = await app.gqlAs(
        coordToken,
        `query($first: Int) { users(first: $first) { totalCount nodes { email roles status version
          organization { code } viewerCan { update disable changeRoles } } } }`,
        { first },
      );
      expect(r.errors).toBeUndefined();
      return app.db.sql.count;
    };
    expect(await statements(20)).toBe(await statements(1));

    const missing = await app.gqlAs(adminToken, `query($id: ID!) { user(id: $id) { id } }`, {
      id: toGlobalId("User", 999999),
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});
