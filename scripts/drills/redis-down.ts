/**
 * Drill: Redis goes down under a load of reads and writes, then comes back.
 * The API must keep answering reads and accepting writes while it is down (producers fail fast,
 * login throttling fails open), and when it returns the worker resumes by itself and the full
 * reconciler re-derives from MariaDB what could not be enqueued, so nothing is lost.
 * Used by test/drills/redis-down.test.ts (seconds) and npm run drills (a minute).
 */
import type { DataSource } from "typeorm";
import { createServer } from "../../src/app/server";
import type { Config } from "../../src/config/env";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { createRedis } from "../../src/queue/connection";
import { RECONCILE_REMINDERS } from "../../src/reminders/jobs/reconcile.job";
import { startReminderService } from "../../src/reminders/reminder-worker";
import { systemClock } from "../../src/shared/clock";
import { toGlobalId } from "../../src/shared/ids";
import { createLogger } from "../../src/shared/logger";
import { Role } from "../../src/shared/roles";
import { Assignment } from "../../src/workflow/assignment.entity";
import { issueTokens } from "../../src/auth/session";
import {
  makeAssignment,
  makeOrg,
  makePlan,
  makeTask,
  makeTree,
  makeUser,
  TEST_PASSWORD,
} from "../../test/factories";
import { restartableRedis } from "./redis";

export interface RedisDrillResult {
  reads: number;
  writes: number;
  logins: number;
  /** Requests that failed or answered with errors while Redis was down. */
  failures: string[];
  slowestMs: number;
  /** Assignments accepted while Redis was down, as stored afterwards. */
  acceptedWhileDown: number;
  storedAccepted: number;
  /** The worker ran a full reconciliation after Redis came back. */
  reconciledAfterReturn: boolean;
  /** A write after Redis came back enqueued its job as usual, and the worker ran it. */
  enqueuedAfterReturn: boolean;
}

interface Gql {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string }>;
}

/** `redisPort`: a free port for the private Redis; `config`: the test's own database and prefix. */
export async function redisDownDrill(opts: {
  ds: DataSource;
  config: Config;
  redisPort: number;
  outageMs: number;
  writesDuringOutage: number;
}): Promise<RedisDrillResult> {
  const { ds } = opts;
  const redisServer = restartableRedis(opts.redisPort);
  await redisServer.start();
  const config: Config = { ...opts.config, redisUrl: redisServer.url };
  const logger = createLogger("silent");
  const redis = createRedis(config.redisUrl);
  redis.on("error", () => {});
  const server = await createServer({ config, ds, redis, logger });
  const service = await startReminderService(
    { ds, clock: systemClock, timeZone: config.timeZone, lookaheadHours: 36, logger },
    { config, concurrency: 2, reconcileEveryMs: 1000, watchdogEveryMs: 300 },
  );
  let fullReconciles = 0;
  const reconciled = new Set<number>();
  service.worker.on("completed", (job) => {
    if (job.name !== RECONCILE_REMINDERS) return;
    const id = (job.data as { assignmentId?: number }).assignmentId;
    if (id) reconciled.add(id);
    else fullReconciles += 1;
  });
  service.worker.on("error", () => {});
  const port = await server.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}/graphql`;

  // A district with tasks assigned to it, and one of its officers.
  const tree = await makeTree(ds, 1, 1, 0, "Redis");
  const office = await makeOrg(ds, { unit: tree.province, kind: OrganizationKind.COORDINATION_OFFICE });
  const district = await makeOrg(ds, { unit: tree.districts[0] });
  const plan = await makePlan(ds, { scope: tree.province });
  const assignments: Assignment[] = [];
  for (let i = 0; i < opts.writesDuringOutage + 1; i++) {
    const task = await makeTask(ds, {
      plan,
      lead: district,
      units: [tree.districts[0]],
      dueDate: "2031-12-31",
    });
    assignments.push(await makeAssignment(ds, { task, org: district, assigner: office, status: "assigned" }));
  }
  const officer = await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] });
  const token = (await issueTokens(ds.manager, config, officer, new Date())).tokens.accessToken;

  const result: RedisDrillResult = {
    reads: 0,
    writes: 0,
    logins: 0,
    failures: [],
    slowestMs: 0,
    acceptedWhileDown: 0,
    storedAccepted: 0,
    reconciledAfterReturn: false,
    enqueuedAfterReturn: false,
  };
  const post = async (what: string, query: string, variables: Record<string, unknown>, auth: boolean) => {
    const started = Date.now();
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(auth ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json()) as Gql;
      if (res.status !== 200 || body.errors)
        result.failures.push(`${what}: ${res.status} ${JSON.stringify(body.errors)}`);
      return body;
    } catch (err) {
      result.failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    } finally {
      result.slowestMs = Math.max(result.slowestMs, Date.now() - started);
    }
  };
  const accept = (a: Assignment) =>
    post(
      "accept",
      `mutation($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) { userErrors { code message } } }`,
      { i: { assignmentId: toGlobalId("Assignment", a.id), action: "ACCEPT", version: a.version } },
      true,
    );

  try {
    // Redis down: reads, writes and sign-ins keep working for the whole outage.
    await redisServer.kill();
    const until = Date.now() + opts.outageMs;
    const toAccept = assignments.slice(0, opts.writesDuringOutage);
    const writer = (async () => {
      const gap = opts.outageMs / (toAccept.length + 1);
      for (const a of toAccept) {
        const body = await accept(a);
        const userErrors = (body?.data?.transitionAssignment as { userErrors?: unknown[] } | undefined)
          ?.userErrors;
        if (userErrors?.length) result.failures.push(`accept: ${JSON.stringify(userErrors)}`);
        else result.acceptedWhileDown += 1;
        result.writes += 1;
        await new Promise((r) => setTimeout(r, gap));
      }
    })();
    const reader = (async () => {
      while (Date.now() < until) {
        await post(
          "read",
          "{ tasks(first: 20) { totalCount nodes { code status leadOrganization { name } } } }",
          {},
          true,
        );
        result.reads += 1;
        if (result.reads % 10 === 1) {
          await post(
            "login",
            `mutation($i: LoginInput!) { login(input: $i) { tokens { accessToken } userErrors { code } } }`,
            { i: { email: officer.email, password: TEST_PASSWORD } },
            false,
          );
          result.logins += 1;
        }
      }
    })();
    await Promise.all([writer, reader]);
    const ids = toAccept.map((a) => a.id);
    result.storedAccepted = ids.length
      ? await ds
          .getRepository(Assignment)
          .createQueryBuilder("a")
          .where("a.id IN (:...ids)", { ids })
          .andWhere("a.status = 'accepted'")
          .getCount()
      : 0;

    // Redis is back (empty, as after a crash without persistence): the worker reconnects on its own.
    const before = fullReconciles;
    await redisServer.start();
    const deadline = Date.now() + 30_000;
    while (fullReconciles === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    result.reconciledAfterReturn = fullReconciles > before;

    const last = assignments[assignments.length - 1];
    const body = await accept(last);
    if (body) {
      const waitUntil = Date.now() + 15_000;
      while (Date.now() < waitUntil && !reconciled.has(last.id)) await new Promise((r) => setTimeout(r, 100));
      result.enqueuedAfterReturn = reconciled.has(last.id);
    }
    return result;
  } finally {
    service.stopWatchdog();
    await server.stop();
    await service.close();
    redis.disconnect();
    await redisServer.kill();
  }
}
