import { ApolloServer, HeaderMap } from "@apollo/server";
import { Parser } from "graphql/language/parser";
import { createArmor, LIMITS } from "../../src/app/armor";
import { createErrorFormatter } from "../../src/app/errors";
import { getSchema } from "../../src/app/schema";
import { systemClock } from "../../src/shared/clock";
import { type Context, createContext } from "../../src/shared/context";
import { createLogger } from "../../src/shared/logger";
import { createTestDb, type TestDb } from "../helpers/db";

/**
 * Operation limits (src/app/armor.ts): for each one, an operation exactly at the limit passes, one
 * just past it is refused with a stable code, HTTP 400 and no SQL at all.
 *
 * The servers are built here rather than with createServer, so these tests do not depend on how
 * the server is wired. Authentication may make resolvers refuse anonymous callers: an operation
 * "at the limit" is only checked to get past parsing and validation and start executing.
 */

type Mode = "development" | "production";

interface Result {
  status: number | undefined;
  /** Parsing and validation passed and execution started (the result has a `data` entry). */
  executed: boolean;
  errors: Array<{ message: string; code: unknown }>;
}

/** The request errors a limit produces; an accepted operation must have none of them. */
const REQUEST_ERROR = new Set(["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"]);

type ContextBase = Parameters<typeof createContext>[0];

describe("operation limits", () => {
  let db: TestDb;
  const servers = {} as Record<Mode, ApolloServer<Context>>;

  beforeAll(async () => {
    db = await createTestDb();
    const schema = await getSchema();
    for (const mode of ["development", "production"] as const) {
      const production = mode === "production";
      servers[mode] = new ApolloServer<Context>({
        schema,
        includeStacktraceInErrorResponses: false,
        formatError: createErrorFormatter(createLogger("silent"), { hideSuggestions: production }),
        ...createArmor({ production }),
      });
      await servers[mode].start();
    }
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s.stop();
    await db?.drop();
  });

  async function run(query: string, mode: Mode = "production"): Promise<Result> {
    // Only the fields every version of the context has; a limit refusal never reaches a resolver.
    const base: Partial<ContextBase> = {
      ds: db.ds,
      clock: systemClock,
      timeZone: "Asia/Ho_Chi_Minh",
      requestId: "limits-test",
    };
    const res = await servers[mode].executeOperation(
      { query },
      { contextValue: createContext(base as ContextBase) },
    );
    if (res.body.kind !== "single") throw new Error("expected a single result");
    const errors = (res.body.singleResult.errors ?? []).map((e) => ({
      message: e.message,
      code: e.extensions?.code,
    }));
    return { status: res.http.status, executed: "data" in res.body.singleResult, errors };
  }

  async function expectAccepted(query: string) {
    const r = await run(query);
    expect(r.errors.filter((e) => REQUEST_ERROR.has(String(e.code)))).toEqual([]);
    expect(r.executed).toBe(true);
  }

  async function expectRefused(query: string, code: string, message: string | RegExp) {
    db.sql.reset();
    const r = await run(query);
    expect(db.sql.count).toBe(0);
    expect(r.status).toBe(400);
    expect(r.executed).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].code).toBe(code);
    expect(r.errors[0].message).toMatch(message);
  }

  const tokenCount = (query: string) => {
    const parser = new Parser(query);
    parser.parseDocument();
    return parser.tokenCount;
  };

  it("counts SQL statements (so a zero below means something)", async () => {
    db.sql.reset();
    await db.ds.query("SELECT 1");
    expect(db.sql.count).toBe(1);
  });

  describe("depth", () => {
    // units (1) > nodes (2) > parent (3 .. depth - 1) > name (depth)
    const deep = (depth: number) => {
      const parents = depth - 3;
      return `{ units(first: 1) { nodes { ${"parent { ".repeat(parents)}name${" }".repeat(parents)} } } }`;
    };

    it(`accepts ${LIMITS.maxDepth} levels`, async () => {
      await expectAccepted(deep(LIMITS.maxDepth));
    });

    it("does not count fragments as levels", async () => {
      const parents = LIMITS.maxDepth - 3;
      await expectAccepted(`{ units(first: 1) { nodes { ... on Unit { ...P } } } }
        fragment P on Unit { ${"parent { ".repeat(parents)}name${" }".repeat(parents)} }`);
    });

    it(`refuses ${LIMITS.maxDepth + 1} levels`, async () => {
      await expectRefused(
        deep(LIMITS.maxDepth + 1),
        "GRAPHQL_VALIDATION_FAILED",
        `Query depth limit of ${LIMITS.maxDepth} exceeded, found ${LIMITS.maxDepth + 1}.`,
      );
    });
  });

  describe("aliases", () => {
    const aliased = (n: number) =>
      `{ units(first: 1) { nodes { ${Array.from({ length: n }, (_, i) => `a${i}: name`).join(" ")} } } }`;

    it(`accepts ${LIMITS.maxAliases} aliases`, async () => {
      await expectAccepted(aliased(LIMITS.maxAliases));
    });

    it("does not count aliases of __typename", async () => {
      await expectAccepted(`{ ${Array.from({ length: 50 }, (_, i) => `t${i}: __typename`).join(" ")} }`);
    });

    it(`refuses ${LIMITS.maxAliases + 1} aliases`, async () => {
      await expectRefused(
        aliased(LIMITS.maxAliases + 1),
        "GRAPHQL_VALIDATION_FAILED",
        `Aliases limit of ${LIMITS.maxAliases} exceeded, found ${LIMITS.maxAliases + 1}.`,
      );
    });
  });

  describe("directives", () => {
    const FIELDS = ["id", "name", "fullName", "code", "depth", "level", "type", "note", "areaClass"];
    const directed = (n: number) => {
      const names = [...FIELDS, "validFrom", "validTo", "successorNote"];
      expect(n).toBeLessThanOrEqual(names.length);
      const fields = names
        .slice(0, n)
        .map((f, i) => `${f} @${i % 2 ? "skip(if: false)" : "include(if: true)"}`);
      return `{ units(first: 1) { nodes { ${fields.join(" ")} } } }`;
    };

    it(`accepts ${LIMITS.maxDirectives} directives`, async () => {
      await expectAccepted(directed(LIMITS.maxDirectives));
    });

    it(`refuses ${LIMITS.maxDirectives + 1} directives`, async () => {
      await expectRefused(
        directed(LIMITS.maxDirectives + 1),
        "GRAPHQL_VALIDATION_FAILED",
        `Directives limit of ${LIMITS.maxDirectives} exceeded, found ${LIMITS.maxDirectives + 1}.`,
      );
    });
  });

  describe("tokens", () => {
    // A long enum list: one token per value, and cheap to validate (unlike repeated fields, whose
    // overlap check is quadratic and has a budget of its own in graphql-js).
    const list = (values: number) =>
      `{ units(first: 1, filter: { types: [${"XA ".repeat(values)}] }) { totalCount } }`;
    const tokens = (n: number) => list(n - tokenCount(list(0)));

    it(`accepts ${LIMITS.maxTokens} tokens`, async () => {
      const q = tokens(LIMITS.maxTokens);
      expect(tokenCount(q)).toBe(LIMITS.maxTokens);
      expect(q.length).toBeLessThan(LIMITS.characterLimit);
      await expectAccepted(q);
    });

    it(`refuses ${LIMITS.maxTokens + 1} tokens`, async () => {
      const q = tokens(LIMITS.maxTokens + 1);
      expect(q.length).toBeLessThan(LIMITS.characterLimit);
      await expectRefused(
        q,
        "GRAPHQL_PARSE_FAILED",
        `Syntax Error: Document contains more that ${LIMITS.maxTokens} tokens. Parsing aborted.`,
      );
    });
  });

  describe("characters", () => {
    // A short query after a long comment: few tokens, many characters.
    const padded = (length: number) => {
      const query = "\n{ __typename }";
      return `#${"x".repeat(length - query.length - 1)}${query}`;
    };

    it(`accepts ${LIMITS.characterLimit} characters`, async () => {
      const q = padded(LIMITS.characterLimit);
      expect(q.length).toBe(LIMITS.characterLimit);
      await expectAccepted(q);
    });

    it(`refuses ${LIMITS.characterLimit + 1} characters`, async () => {
      await expectRefused(
        padded(LIMITS.characterLimit + 1),
        "GRAPHQL_PARSE_FAILED",
        `Syntax Error: Source contains more than ${LIMITS.characterLimit} UTF-16 code units. Parsing aborted.`,
      );
    });
  });

  describe("cost", () => {
    // Per unit: nodes 2 + 1.5 * 220 scalars = 332, so units(first: F) costs (2 + 1.5 * 332) * F =
    // 500 * F: first: 30 costs 15000 and first: 31 costs 15500. Both are valid page sizes.
    const FIELDS = 220;
    const page = (first: number) => `{ units(first: ${first}) { nodes { ${"name ".repeat(FIELDS)}} } }`;
    const atLimit = LIMITS.maxCost / 500;

    it(`accepts a cost of ${LIMITS.maxCost} (first: ${atLimit})`, async () => {
      expect(Number.isInteger(atLimit)).toBe(true);
      await expectAccepted(page(atLimit));
    });

    it(`refuses a cost over ${LIMITS.maxCost} (first: ${atLimit + 1})`, async () => {
      await expectRefused(
        page(atLimit + 1),
        "GRAPHQL_VALIDATION_FAILED",
        `Query Cost limit of ${LIMITS.maxCost} exceeded, found ${500 * (atLimit + 1)}.`,
      );
    });

    it("multiplies nested lists by a literal first", async () => {
      // children > children > 5 names: 2 + 1.5 * (2 + 1.5 * (2 + 1.5 * 5)) = 26.375 per unit, and
      // units(first: F) costs (2 + 1.5 * 26.375) * F = 41.5625 * F; four of them, 166.25 * F.
      const q = (first: number) => {
        const nested = `units(first: ${first}) { nodes { children { children { ${"name ".repeat(5)}} } } }`;
        return `{ ${[1, 2, 3, 4].map((i) => `u${i}: ${nested}`).join(" ")} }`;
      };
      await expectAccepted(q(10));
      await expectRefused(
        q(100),
        "GRAPHQL_VALIDATION_FAILED",
        `Query Cost limit of ${LIMITS.maxCost} exceeded, found 16625.`,
      );
    });
  });

  describe("field suggestions", () => {
    const MISSPELT = [
      ["a field", `{ units(first: 1) { nodes { nmae } } }`],
      ["an argument", `{ units(frist: 1) { totalCount } }`],
      ["an enum value", `{ units(first: 1, filter: { level: COMMUNEE }) { totalCount } }`],
    ];

    it.each(MISSPELT)("are hidden in production (%s)", async (_what, query) => {
      db.sql.reset();
      const r = await run(query, "production");
      expect(db.sql.count).toBe(0);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0].code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(r.errors[0].message).not.toMatch(/Did you mean/);
      expect(r.errors[0].message).not.toMatch(/"(name|first|COMMUNE)"/);
    });

    it("are given outside production", async () => {
      const r = await run(MISSPELT[0][1], "development");
      expect(r.errors[0].message).toMatch(/Did you mean "name"/);
    });
  });

  it("refuses batched HTTP requests (a batch would multiply every limit)", async () => {
    const res = await servers.production.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: "POST",
        headers: new HeaderMap([["content-type", "application/json"]]),
        search: "",
        body: [{ query: "{ __typename }" }, { query: "{ __typename }" }],
      },
      context: async () => ({}) as Context,
    });
    expect(res.status).toBe(400);
  });
});
