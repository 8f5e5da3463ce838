/**
 * SQL statements per request for every query a portal sends (npm run bench:sql). Runs the README's
 * example queries and the portals' own (task list, task detail, dashboard, tree walks) against
 * the seeded plan through the real HTTP server, counts the statements with a TypeORM logger, and
 * fails (non-zero exit) when one exceeds its budget: 1 (the viewer) + 1 (the root field) + one per
 * relation field it selects (object-valued fields other than connection plumbing). The count must
 * not grow with the page size either: each operation runs at two page sizes.
 */
import "reflect-metadata";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  isAbstractType,
} from "graphql";
import type { Logger } from "typeorm";
import { createServer } from "../../src/app/server";
import { getSchema } from "../../src/app/schema";
import { issueTokens } from "../../src/auth/session";
import { User } from "../../src/auth/user.entity";
import { createRedis } from "../../src/queue/connection";
import { createLogger } from "../../src/shared/logger";
import { toGlobalId } from "../../src/shared/ids";
import { type BenchSection, machineLine, projectRoot, runAsScript } from "./report";
import { createBenchWorld, DEMO } from "./world";

class CountingLogger implements Logger {
  count = 0;
  /** The statements of the request being counted, printed when it is over its budget. */
  statements: string[] = [];
  logQuery(query: string): void {
    this.count += 1;
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** Object types that only wrap a list (no statement of their own). */
const PLUMBING = /(Connection|Edge|PageInfo)$/;

/** Relation fields (object-valued, not connection plumbing) below the root, and the deepest level. */
export function relationsOf(schema: GraphQLSchema, query: string): { relations: number; levels: number } {
  const info = new TypeInfo(schema);
  let relations = 0;
  let depth = 0;
  let levels = 0;
  let root = true;
  const stack: boolean[] = [];
  visit(
    parse(query),
    visitWithTypeInfo(info, {
      Field: {
        enter() {
          const t = info.getType();
          const named = t ? getNamedType(t) : null;
          const isRel =
            !!named && (isObjectType(named) || isAbstractType(named)) && !PLUMBING.test(named.name);
          if (root) {
            root = false;
            stack.push(false);
            return;
          }
          stack.push(isRel);
          if (isRel) {
            relations += 1;
            depth += 1;
            levels = Math.max(levels, depth);
          }
        },
        leave() {
          if (stack.pop()) depth -= 1;
          if (stack.length === 0) root = true;
        },
      },
    }),
  );
  return { relations, levels };
}

interface Op {
  name: string;
  query: string;
  /** Variables at a small and a large page size (the same when the query has no page). */
  small: Record<string, unknown>;
  large: Record<string, unknown>;
}

function readmeOps(ids: Record<string, string>): Op[] {
  const readme = readFileSync(path.join(projectRoot(), "README.md"), "utf8");
  const ops: Op[] = [];
  for (const m of readme.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    const q = m[1];
    if (!/^\s*query\b/.test(q)) continue;
    const name = /query (\w+)/.exec(q)?.[1] ?? "anonymous";
    const vars: Record<string, unknown> = {};
    if (/\$id: ID!/.test(q)) vars.id = ids.task;
    if (/\$plan: ID!/.test(q)) vars.plan = ids.plan;
    if (/\$commune: ID!/.test(q)) vars.commune = ids.commune;
    ops.push({ name: `README ${name}`, query: q, small: vars, large: vars });
  }
  return ops;
}

const PORTAL_OPS = (ids: Record<string, string>): Op[] => [
  {
    name: "portal task list (every relation)",
    query: `query($first: Int!) { tasks(first: $first) { totalCount edges { cursor node {
      code title dueDate status isOverdue plan { number scopeUnit { name } } group { title }
      leadOrganization { name unit { name } } cooperatingOrganizations { name unit { name } } units { name parent { name } }
    } } pageInfo { hasNextPage endCursor } } }`,
    small: { first: 5 },
    large: { first: 100 },
  },
  {
    name: "task detail with assignments and history",
    query: `query($id: ID!) { task(id: $id) { code title dueDate status progress
      leadOrganization { name } cooperatingOrganizations { name } units { name }
      assignments { status dueDate organization { name } assigner { name } history { toStatus createdAt } reports { status } extensions { status } }
      children { code title }
    } }`,
    small: { id: ids.task },
    large: { id: ids.task },
  },
  {
    name: "deep unit query",
    query: `query($first: Int!) { units(first: $first, filter: { level: COMMUNE }) {
      totalCount nodes { name organizations { name unit { name parent { name ancestors { name } } } } } } }`,
    small: { first: 2 },
    large: { first: 100 },
  },
  {
    name: "province-to-village tree walk",
    query: `query($id: ID!) { unit(id: $id) { name children { name children { name children { name parent { name } } } } } }`,
    small: { id: ids.province },
    large: { id: ids.province },
  },
  {
    name: "dashboard: timeliness by district",
    query: `{ timelinessCounts(groupBy: UNIT) { unit { name } total overdue dueSoon inTerm doneOnTime doneLate } }`,
    small: {},
    large: {},
  },
  {
    name: "dashboard: timeliness by organization",
    query: `{ timelinessCounts(groupBy: ORGANIZATION) { organization { name unit { name } } total overdue } }`,
    small: {},
    large: {},
  },
  {
    name: "me and notifications",
    query: `query($first: Int!) { me { user { email } organization { name } scope { name } roles }
      unreadNotificationCount notifications(first: $first) { totalCount nodes { title readAt } } }`,
    small: { first: 5 },
    large: { first: 100 },
  },
];

export async function run(): Promise<BenchSection> {
  const sql = new CountingLogger();
  const world = await createBenchWorld({ logger: sql, tag: "sql_" });
  const redis = createRedis(world.config.redisUrl);
  const server = await createServer({
    // The caches off: every request misses them, the worst case the budgets are about.
    config: { ...world.config, caches: { authSeconds: 0, unitSeconds: 0, unitMaxRows: 0 } },
    ds: world.ds,
    redis,
    logger: createLogger("silent"),
  });
  try {
    const port = await server.listen(0, "127.0.0.1");
    const coordinator = await world.ds
      .getRepository(User)
      .findOneByOrFail({ email: DEMO.email("coordinator") });
    const token = (await issueTokens(world.ds.manager, world.config, coordinator, new Date())).tokens
      .accessToken;
    const [task] = (await world.ds.query(
      "SELECT t.id FROM task t JOIN assignment a ON a.task_id = t.id ORDER BY t.id LIMIT 1",
    )) as Array<{ id: number }>;
    const [province] = (await world.ds.query(
      "SELECT id FROM admin_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1",
    )) as Array<{ id: number }>;
    const [plan] = (await world.ds.query("SELECT id FROM plan ORDER BY id LIMIT 1")) as Array<{ id: number }>;
    const [commune] = (await world.ds.query(
      "SELECT id FROM admin_unit WHERE level = 'commune' ORDER BY id LIMIT 1",
    )) as Array<{ id: number }>;
    const ids = {
      task: toGlobalId("Task", task.id),
      province: toGlobalId("Unit", province.id),
      plan: toGlobalId("Plan", plan.id),
      commune: toGlobalId("Unit", commune.id),
    };
    const schema = await getSchema();

    const count = async (op: Op, variables: Record<string, unknown>): Promise<number> => {
      sql.count = 0;
      sql.statements = [];
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: op.query, variables }),
      });
      const body = (await res.json()) as { errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(`${op.name}: ${body.errors.map((e) => e.message).join("; ")}`);
      return sql.count;
    };

    const rows: string[] = [];
    const over: string[] = [];
    for (const op of [...PORTAL_OPS(ids), ...readmeOps(ids)]) {
      const { relations, levels } = relationsOf(schema, op.query);
      // timelinessCounts reads the working-day calendar (one statement, cached per request) besides its counts.
      const extra = /timelinessCounts/.test(op.query) ? 1 : 0;
      const budget = 1 + 1 + relations + extra;
      const small = await count(op, op.small);
      const large = await count(op, op.large);
      const ok = small <= budget && large <= budget && large === small;
      if (!ok) {
        over.push(`${op.name}: ${small}/${large} statements, budget ${budget}`);
        process.stderr.write(`${op.name} is over its budget; the statements of its last request:\n`);
        for (const s of sql.statements) process.stderr.write(`  ${s.replace(/\s+/g, " ").slice(0, 300)}\n`);
      }
      rows.push(
        `| ${op.name} | ${levels} | ${relations} | ${budget} | ${small} | ${large} | ${ok ? "ok" : "**OVER**"} |`,
      );
    }
    return {
      name: "sql",
      failed: over.length ? `over budget: ${over.join("; ")}` : undefined,
      markdown: [
        "## SQL statements per request",
        "",
        machineLine(),
        "",
        "Every query a portal sends (the README examples and the portals' lists, details and",
        "dashboards), through the real HTTP server on the seeded Bắc Kạn plan, as the demo provincial",
        "coordinator. Statements counted by a TypeORM logger. Budget = 1 (loading the viewer) + 1 (the",
        "root field) + one per relation field selected; the count must also not grow with the page size",
        "(small page vs `first: 100` where the query has one). `npm run bench:sql` exits non-zero when",
        "a query is over. `timelinessCounts` gets one more: it reads the working-day calendar (once per",
        "request, whatever the number of groups) besides its counts. Counted with the API's caches off",
        "(AUTH_CACHE_SECONDS=0, UNIT_CACHE_MAX_ROWS=0), the worst case: with them on, a session checked",
        'in the last few seconds costs no statement, nor does any unit read (README "Caches").',
        "",
        "| operation | relation levels | relation fields | budget | statements (small page) | statements (large page) | |",
        "|---|---:|---:|---:|---:|---:|---|",
        ...rows,
      ].join("\n"),
    };
  } finally {
    await server.stop();
    await redis.quit();
    await world.drop();
  }
}

if (require.main === module) runAsScript(run);
