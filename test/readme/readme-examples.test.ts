import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, validate } from "graphql";
import { getSchema } from "../../src/app/schema";
import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { seedDemoUsers } from "../../src/seed/demo-users";
import { startTestApp, type TestApp } from "../helpers/server";

/** The README's example queries must stay valid, and those without variables must run and answer. */
const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("README example queries", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedBacKan2022(app.db.ds);
    await seedDemoUsers(app.db.ds);
  });
  afterAll(async () => {
    await app.close();
  });

  it("has examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it.each(blocks.map((b) => [/(?:query|mutation) (\w+)/.exec(b)?.[1] ?? "anonymous", b]))(
    "%s is valid against the schema",
    async (_n, b) => {
      expect(validate(await getSchema(), parse(b)).map((e) => e.message)).toEqual([]);
    },
  );

  const runnable = blocks.filter((b) => !/(?:query|mutation) \w+\(/.test(b));
  it.each(runnable.map((b) => [/(?:query|mutation) (\w+)/.exec(b)?.[1] ?? "anonymous", b]))(
    "%s answers without errors on the seeded plan",
    async (_n, b) => {
      const r = await app.gql(b);
      expect(r.errors).toBeUndefined();
      const first = Object.values(r.data ?? {})[0] as { nodes?: unknown[]; userErrors?: unknown[] } | null;
      expect(first).not.toBeNull();
      if (first && "nodes" in first) expect(first.nodes?.length).toBeGreaterThan(0);
      if (first && "userErrors" in first) expect(first.userErrors).toEqual([]);
    },
  );
});
