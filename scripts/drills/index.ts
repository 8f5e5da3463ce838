/**
 * `npm run drills`: the failure drills, long versions, each on a database and Redis prefix of its
 * own, printing PASS or FAIL with figures; exits non-zero when one fails.
 * - hostile input: 10,000 malformed or hostile operations against a separate API process;
 * - Redis down for a minute (DRILL_REDIS_SECONDS) under reads, writes and sign-ins;
 * - the API SIGKILLed under a load of mutations, then restarted.
 * (The MariaDB-restart drill lives with the read-replica work.)
 */
import "reflect-metadata";
import { issueTokens } from "../../src/auth/session";
import { User } from "../../src/auth/user.entity";
import { freePort, spawnNode } from "../bench/processes";
import { createBenchWorld, DEMO } from "../bench/world";
import { sendHostile } from "./hostile";
import { killApiDrill } from "./kill-api";
import { redisDownDrill } from "./redis-down";

type Drill = () => Promise<{ ok: boolean; summary: string }>;

const hostile: Drill = async () => {
  const world = await createBenchWorld({ tag: "drill_h_" });
  const port = await freePort();
  const api = spawnNode("dist/src/index.js", [], { ...world.env, PORT: String(port), HOST: "127.0.0.1" });
  try {
    await api.waitFor("NTM plan API ready");
    const admin = await world.ds.getRepository(User).findOneByOrFail({ email: DEMO.email("admin") });
    const token = (await issueTokens(world.ds.manager, world.config, admin, new Date())).tokens.accessToken;
    const count = Number(process.env.DRILL_HOSTILE_COUNT ?? 10_000);
    const report = await sendHostile({ baseUrl: `http://127.0.0.1:${port}`, token, count, seed: 2022 });
    const health = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status,
      () => 0,
    );
    const alive = api.child.exitCode === null && health === 200;
    const ok =
      alive && report.leaks.length === 0 && report.serverErrors.length === 0 && report.noAnswer.length === 0;
    for (const l of report.leaks.slice(0, 5))
      process.stdout.write(`  leak (${l.kind}, ${l.what}): ${l.excerpt}\n`);
    for (const e of report.serverErrors.slice(0, 5)) process.stdout.write(`  5xx (${e.kind}): ${e.body}\n`);
    for (const e of report.noAnswer.slice(0, 5))
      process.stdout.write(`  no answer (${e.kind}): ${e.error}\n`);
    return {
      ok,
      summary:
        `${report.sent} sent; statuses ${JSON.stringify(report.byStatus)}; leaks ${report.leaks.length}; ` +
        `5xx ${report.serverErrors.length}; unanswered ${report.noAnswer.length}; API ${alive ? "up" : "DOWN"} afterwards`,
    };
  } finally {
    await api.stop();
    await world.drop();
  }
};

const redisDown: Drill = async () => {
  const world = await createBenchWorld({ tag: "drill_r_" });
  try {
    const seconds = Number(process.env.DRILL_REDIS_SECONDS ?? 60);
    const r = await redisDownDrill({
      ds: world.ds,
      config: world.config,
      redisPort: await freePort(),
      outageMs: seconds * 1000,
      writesDuringOutage: 30,
    });
    for (const f of r.failures.slice(0, 5)) process.stdout.write(`  failure: ${f}\n`);
    const ok =
      r.failures.length === 0 &&
      r.storedAccepted === r.acceptedWhileDown &&
      r.acceptedWhileDown === r.writes &&
      r.reconciledAfterReturn &&
      r.enqueuedAfterReturn;
    return {
      ok,
      summary:
        `Redis down ${seconds} s: ${r.reads} reads, ${r.writes} writes (${r.storedAccepted} stored), ${r.logins} sign-ins, ` +
        `${r.failures.length} failures, slowest ${r.slowestMs} ms; after return: full reconcile ${r.reconciledAfterReturn ? "ran" : "DID NOT RUN"}, ` +
        `new write enqueued and worked ${r.enqueuedAfterReturn ? "yes" : "NO"}`,
    };
  } finally {
    await world.drop();
  }
};

const killApi: Drill = async () => {
  const world = await createBenchWorld({ tag: "drill_k_" });
  try {
    const r = await killApiDrill({
      ds: world.ds,
      config: { ...world.config, appSecret: world.env.APP_SECRET },
      entry: "dist",
      assignments: 40,
      killAfterMs: Number(process.env.DRILL_KILL_AFTER_MS ?? 10_000),
      concurrency: 16,
    });
    for (const v of r.violations.slice(0, 10)) process.stdout.write(`  violation: ${v}\n`);
    return {
      ok: r.violations.length === 0 && r.recovered && r.committed > 0,
      summary:
        `${r.answered} mutations answered (${r.committed} committed), ${r.cutOff} cut off by SIGKILL; ` +
        `${r.violations.length} invariant violations; restarted API ${r.recovered ? "carried on" : "DID NOT RECOVER"}`,
    };
  } finally {
    await world.drop();
  }
};

async function main(): Promise<void> {
  const drills: Array<[string, Drill]> = [
    ["hostile input", hostile],
    ["Redis down under load", redisDown],
    ["API killed under load", killApi],
  ];
  const only = process.argv[2];
  let failed = 0;
  for (const [name, drill] of drills) {
    if (only && !name.toLowerCase().includes(only.toLowerCase())) continue;
    const started = Date.now();
    process.stdout.write(`drill: ${name}: running\n`);
    try {
      const { ok, summary } = await drill();
      if (!ok) failed += 1;
      process.stdout.write(
        `${ok ? "PASS" : "FAIL"} ${name} (${((Date.now() - started) / 1000).toFixed(0)} s): ${summary}\n`,
      );
    } catch (err) {
      failed += 1;
      process.stdout.write(
        `FAIL ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
