/**
 * Task list and dashboard latency at province and national scale, for every kind of viewer, and
 * the API's resident memory under load (npm run bench:api). The API runs as a child process
 * (node dist/src/index.js, START_WORKERS=false, NODE_ENV=production) on a database of its own:
 * the seeded Bắc Kạn plan plus generated tasks delegated down to districts and communes.
 * autocannon drives it from here while its memory is sampled (scripts/bench/memory.ts); the list
 * statement's EXPLAIN for each viewer comes from the same server code run in this process.
 */
import os from "node:os";
import "reflect-metadata";
import { issueTokens } from "../../src/auth/session";
import { User } from "../../src/auth/user.entity";
import { load, type LoadResult } from "./load";
import { describeMemory, mb, type MemorySample, sampleMemory } from "./memory";
import { withPlans } from "./plans";
import { freePort, rssOf, spawnNode } from "./processes";
import { type BenchSection, BUSY_LOAD, loadLine, machineLine, runAsScript } from "./report";
import { addGeneratedTasks, createBenchWorld, DEMO } from "./world";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SCALES = [
  { name: "province", tasks: 10_000 },
  { name: "national", tasks: Number(process.env.BENCH_NATIONAL_TASKS ?? 30_000) },
];
const RSS_GOAL_MB = 250;
/**
 * The settings README recommends for the API process (see "Memory" there and the memory notes of
 * this section): V8 grows its heap lazily under allocation pressure, so without limits the RSS
 * climbed to ~480 MB under this load while the live heap after GC stayed near 50 MB (no leak).
 * API_NODE_OPTIONS="" measures without.
 */
export const API_NODE_OPTIONS = process.env.API_NODE_OPTIONS ?? "--max-old-space-size=128";

/** Demo users, one per kind of task scope (README, demo users); BENCH_API_VIEWERS=coordinator,district keeps some. */
const ALL_VIEWERS = [
  { who: "coordinator", label: "provincial coordinator" },
  { who: "district", label: "district (Bắc Kạn city)" },
  { who: "commune", label: "commune (Bằng Vân)" },
  { who: "department", label: "department (SNN)" },
] as const;
type Who = (typeof ALL_VIEWERS)[number]["who"];
const VIEWERS = ALL_VIEWERS.filter(
  (v) => !process.env.BENCH_API_VIEWERS || process.env.BENCH_API_VIEWERS.split(",").includes(v.who),
);

/** The list statement: the first one that reads `task` (the one before reads the viewer). */
const LIST_STATEMENT = /FROM `task` `t`/;
const OPERATIONS: Array<{ name: string; query: string; viewers: readonly Who[]; list: boolean }> = [
  {
    name: "task list, 50 per page, with relations",
    query: `{ tasks(first: 50) { totalCount edges { cursor node { code title dueDate status isOverdue
      leadOrganization { name } cooperatingOrganizations { name } units { name } } } pageInfo { hasNextPage endCursor } } }`,
    viewers: VIEWERS.map((v) => v.who),
    list: true,
  },
  {
    name: "overdue tasks, 50 per page",
    query: `{ tasks(first: 50, filter: { overdue: true }) { totalCount nodes { code title dueDate leadOrganization { name } } } }`,
    viewers: VIEWERS.map((v) => v.who),
    list: true,
  },
  {
    name: "dashboard: timeliness by district",
    query: `{ timelinessCounts(groupBy: UNIT) { unit { name } total overdue dueSoon inTerm doneOnTime doneLate } }`,
    viewers: VIEWERS.some((v) => v.who === "coordinator") ? ["coordinator"] : [],
    list: false,
  },
];

export async function run(): Promise<BenchSection> {
  const loadAtStart = os.loadavg()[0];
  const world = await createBenchWorld({ tag: "api_" });
  const port = await freePort();
  const api = spawnNode("dist/src/index.js", [], {
    ...world.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_OPTIONS: API_NODE_OPTIONS,
  });
  try {
    await api.waitFor("NTM plan API ready");
    const url = `http://127.0.0.1:${port}/graphql`;
    const tokens = {} as Record<Who, string>;
    for (const v of VIEWERS) {
      const user = await world.ds.getRepository(User).findOneByOrFail({ email: DEMO.email(v.who) });
      tokens[v.who] = (
        await issueTokens(world.ds.manager, world.config, user, new Date())
      ).tokens.accessToken;
    }
    const labelOf = (who: Who) => VIEWERS.find((v) => v.who === who)!.label;
    const idleRss = rssOf(api.pid) ?? 0;
    let peakRss = idleRss;
    let peakSample: MemorySample | null = null;
    const rows: string[] = [];
    const plans: string[] = [];
    for (const scale of SCALES) {
      const total = await addGeneratedTasks(world.ds, scale.tasks - (await countTasks()));
      // Fresh statistics (and histograms) as a maintained database has them: the plans below depend on them.
      const tables = (await world.ds.query(
        "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('task', 'task_visibility', 'task_unit', 'task_cooperator')",
      )) as Array<{ t: string }>;
      await world.ds.query(`ANALYZE TABLE ${tables.map((r) => r.t).join(", ")}`);
      await withPlans(world.config, async (explain) => {
        for (const op of OPERATIONS.filter((o) => o.list))
          for (const who of op.viewers) {
            const plan = await explain(tokens[who], op.query, LIST_STATEMENT);
            plans.push(
              `| ${scale.name} | ${labelOf(who)} | ${op.name} | ${plan.lines.join("<br>")} | ${plan.filesort ? "**yes**" : "no"} |`,
            );
          }
      });
      for (const op of OPERATIONS) {
        for (const who of op.viewers) {
          const body = JSON.stringify({ query: op.query });
          const check = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${tokens[who]}` },
            body,
          });
          const answer = (await check.json()) as {
            errors?: Array<{ message: string }>;
            data?: { tasks?: { totalCount: number } };
          };
          if (answer.errors) throw new Error(`${op.name}: ${answer.errors.map((e) => e.message).join("; ")}`);
          const visible = answer.data?.tasks ? ` (${answer.data.tasks.totalCount.toLocaleString("en")})` : "";
          await load({ url, body, token: tokens[who], seconds: 2 }); // warm-up
          const memory = sampleMemory(api.pid, `http://127.0.0.1:${port}/metrics`);
          let r: LoadResult;
          let m: Awaited<ReturnType<typeof memory.stop>>;
          try {
            r = await load({ url, body, token: tokens[who], seconds: SECONDS });
          } finally {
            m = await memory.stop();
          }
          if (m.peak > peakRss || peakSample === null) peakSample = m.atPeak ?? peakSample;
          peakRss = Math.max(peakRss, m.peak);
          const none = r.requests === 0;
          rows.push(
            `| ${scale.name} (${total.toLocaleString("en")} tasks) | ${labelOf(who)}${visible} | ${op.name} | ` +
              `${none ? "none answered" : r.p50} | ${none ? `> ${SECONDS * 1000}` : r.p99} | ${r.rps.toFixed(1)} | ${r.failures} | ${mb(m.peak)} |`,
          );
          process.stdout.write(`api: ${scale.name} ${who} ${op.name}: p50 ${r.p50} ms, p99 ${r.p99} ms\n`);
        }
      }
    }
    const failed = peakRss / 2 ** 20 > RSS_GOAL_MB ? `API RSS peaked at ${mb(peakRss)} MB` : undefined;
    const loadAtEnd = os.loadavg()[0];
    return {
      name: "api",
      failed,
      markdown: [
        "## Task list and dashboard latency, API memory",
        "",
        machineLine(),
        loadLine(loadAtStart, loadAtEnd) +
          (loadAtStart > BUSY_LOAD
            ? " The machine was shared with other runs: absolute latencies are inflated (the dashboard row, whose code this benchmark does not change, shows by how much); compare rows within the run."
            : ""),
        "",
        `The API as a child process (\`node dist/src/index.js\`, NODE_ENV=production, START_WORKERS=false, NODE_OPTIONS=\`${API_NODE_OPTIONS}\`) on`,
        "a database of its own: the seeded Bắc Kạn plan, then generated tasks up to each scale — a fifth",
        "copies of the plan's tasks (with their lead, cooperating organizations and units), a fifth",
        "sub-tasks delegated to the districts' People's Committees, the rest delegated on to their",
        "communes (a third of the sub-tasks done; due dates over 2022). Signed in as a demo user of each",
        "kind of scope (in brackets: the tasks they see). autocannon, 10 connections,",
        `${SECONDS} s per row after a 2 s warm-up; latency in ms. RSS sampled every 100 ms from /proc during the row.`,
        "",
        "| scale | viewer (tasks visible) | operation | p50 ms | p99 ms | req/s | errors/timeouts (10 s) | peak RSS MB |",
        "|---|---|---|---:|---:|---:|---:|---:|",
        ...rows,
        "",
        `API resident memory: ${mb(idleRss)} MB idle after start, **${mb(peakRss)} MB peak under load** (goal ≤ ${RSS_GOAL_MB} MB).`,
        peakSample ? `Nearest the peak: ${describeMemory(peakSample)}.` : "",
        "",
        "The list statement (page and totalCount in one statement) as MariaDB plans it for each viewer",
        "(EXPLAIN on the generated data, after ANALYZE TABLE):",
        "",
        "| scale | viewer | operation | plan | filesort |",
        "|---|---|---|---|---|",
        ...plans,
      ].join("\n"),
    };
  } finally {
    await api.stop();
    await world.drop();
  }

  async function countTasks(): Promise<number> {
    const [{ n }] = (await world.ds.query("SELECT COUNT(*) AS n FROM task")) as Array<{ n: string }>;
    return Number(n);
  }
}

if (require.main === module) runAsScript(run);
