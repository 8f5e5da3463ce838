import { LIMITS } from "../../src/app/armor";
import { startTestApp, type TestApp } from "../helpers/server";

/** Through the real server, with a valid token: an operation over a limit is refused before any SQL. */
describe("operation limits on the real server", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const nested = (depth: number) => {
    let body = "name";
    for (let i = 0; i < depth - 3; i++) body = `parent { ${body} }`;
    return `{ units(first: 1) { nodes { ${body} } } }`;
  };

  it("runs an operation at the depth limit", async () => {
    const r = await app.gql(nested(LIMITS.maxDepth));
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
  });

  it.each([
    ["depth", () => nested(LIMITS.maxDepth + 1), "GRAPHQL_VALIDATION_FAILED"],
    [
      "aliases",
      () =>
        `{ ${Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: units(first: 1) { totalCount }`).join(" ")} }`,
      "GRAPHQL_VALIDATION_FAILED",
    ],
    [
      "tokens",
      () => `{ units(first: 1) { totalCount ${"nodes { id } ".repeat(LIMITS.maxTokens / 4)} } }`,
      "GRAPHQL_PARSE_FAILED",
    ],
    [
      "characters",
      () => `{ units(first: 1) { totalCount } } #${"x".repeat(LIMITS.characterLimit)}`,
      "GRAPHQL_PARSE_FAILED",
    ],
  ])(
    "refuses one past the %s limit with 400 and no SQL at all, authentication included",
    async (_n, build, code) => {
      app.db.sql.reset();
      const r = await app.gql(build());
      expect(r.status).toBe(400);
      expect(r.errors?.[0].extensions?.code).toBe(code);
      expect(app.db.sql.count).toBe(0);
    },
  );
});

describe("production hardening", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ production: true });
  });
  afterAll(async () => {
    await app.close();
  });

  it("turns introspection off", async () => {
    const r = await app.gql(`{ __schema { queryType { name } } }`);
    expect(r.status).toBe(400);
    expect(r.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.raw).not.toContain("queryType");
  });

  it("gives no field suggestions", async () => {
    const r = await app.gql(`{ units(first: 1) { nodes { nmae } } }`);
    expect(r.errors?.[0].message).toBe('Cannot query field "nmae" on type "Unit".');
  });

  it("refuses a simple cross-site request (Apollo's CSRF prevention)", async () => {
    // A form post or a GET without a preflight-forcing header is what a hostile page can send.
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent("{ __typename }")}`);
    expect(get.status).toBe(400);
    const form = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toMatch(/CSRF/i);
  });
});
