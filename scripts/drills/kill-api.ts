/**
 * Drill: the API process is killed (SIGKILL) in the middle of a load of mutations. Afterwards no
 * state may be half-written, since every mutation is one transaction: each assignment's status is
 * that of its last history event, its version is 1 + its events, and each event has its audit
 * entry. Then a new API process starts on the same database and carries on.
 * Used by test/drills/kill-api.test.ts (TypeScript entry, compiled on the fly) and npm run drills.
 */
import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import type { Config } from "../../src/config/env";
import { issueTokens } from "../../src/auth/session";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../../test/factories";
import { freePort, spawnNode, type Child } from "../bench/processes";

/** Loads .ts through @swc/core as jest does, so a test runs the real entry point without a build. */
const TS_HOOK = `
const fs = require("node:fs");
const { transformSync } = require("@swc/core");
const swcrc = JSON.parse(fs.readFileSync(".swcrc", "utf8"));
delete swcrc.$schema;
swcrc.sourceMaps = false;
require.extensions[".ts"] = (mod, filename) => {
  mod._compile(transformSync(fs.readFileSync(filename, "utf8"), { ...swcrc, filename }).code, filename);
};
require(require("node:path").resolve(process.argv[1]));
`;

export interface KillDrillResult {
  /** Mutations answered before the kill (accepted or refused with userErrors). */
  answered: number;
  /** Of those, the changes that committed (the others were refused with userErrors). */
  committed: number;
  /** Requests cut off by the kill. */
  cutOff: number;
  /** Invariant violations found afterwards (none expected). */
  violations: string[];
  /** The restarted API answered and accepted a write. */
  recovered: boolean;
}

function startApi(entry: "dist" | "ts", env: Record<string, string>): Child {
  return entry === "dist"
    ? spawnNode("dist/src/index.js", [], env)
    : spawnNode("src/index.ts", [], env, ["-e", TS_HOOK]);
}

const TRANSITION = `mutation($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) {
  assignment { status version } userErrors { code } } }`;
/** A cycle any assignment can walk for ever: accept, start, then pause and resume. */
const NEXT: Record<string, string> = {
  assigned: "ACCEPT",
  accepted: "START",
  in_progress: "PAUSE",
  paused: "RESUME",
};

export async function killApiDrill(opts: {
  ds: DataSource;
  config: Config;
  entry: "dist" | "ts";
  assignments: number;
  /** How long the load runs before the SIGKILL. */
  killAfterMs: number;
  concurrency?: number;
}): Promise<KillDrillResult> {
  const { ds, config } = opts;
  const tree = await makeTree(ds, 1, 1, 0, "Kill");
  const office = await makeOrg(ds, { unit: tree.province, kind: OrganizationKind.COORDINATION_OFFICE });
  const district = await makeOrg(ds, { unit: tree.districts[0] });
  const plan = await makePlan(ds, { scope: tree.province });
  const ids: number[] = [];
  for (let i = 0; i < opts.assignments; i++) {
    const task = await makeTask(ds, {
      plan,
      lead: district,
      units: [tree.districts[0]],
      dueDate: "2031-12-31",
    });
    ids.push((await makeAssignment(ds, { task, org: district, assigner: office, status: "assigned" })).id);
  }
  const officer = await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] });
  const token = (await issueTokens(ds.manager, config, officer, new Date())).tokens.accessToken;

  const env = {
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    APP_SECRET: config.appSecret,
    NODE_ENV: "production",
    SEED_ON_START: "false",
    START_WORKERS: "false",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
  };
  const port = await freePort();
  const api = startApi(opts.entry, { ...env, PORT: String(port) });
  const result: KillDrillResult = { answered: 0, committed: 0, cutOff: 0, violations: [], recovered: false };
  try {
    await api.waitFor("NTM plan API ready");
    const url = `http://127.0.0.1:${port}/graphql`;
    const state = new Map(ids.map((id) => [id, { status: "assigned", version: 1 }]));
    let killed = false;
    const transition = async (target: string, id: number) => {
      const s = state.get(id)!;
      const res = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: TRANSITION,
          variables: {
            i: { assignmentId: toGlobalId("Assignment", id), action: NEXT[s.status], version: s.version },
          },
        }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await res.json()) as {
        data?: { transitionAssignment?: { assignment: { status: string; version: number } | null } };
      };
      const a = body.data?.transitionAssignment?.assignment;
      if (a) {
        state.set(id, a);
        result.committed += 1;
      }
      return body;
    };
    let next = 0;
    const worker = async () => {
      while (!killed) {
        const id = ids[next++ % ids.length];
        try {
          await transition(url, id);
          result.answered += 1;
        } catch {
          if (killed) result.cutOff += 1;
          return;
        }
      }
    };
    const load = Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
    await new Promise((r) => setTimeout(r, opts.killAfterMs));
    killed = true;
    api.child.kill("SIGKILL");
    await api.exited;
    await load;

    result.violations = await checkInvariants(ds, ids);

    // A new process on the same database carries on from what was committed.
    const port2 = await freePort();
    const again = startApi(opts.entry, { ...env, PORT: String(port2) });
    try {
      await again.waitFor("NTM plan API ready");
      const [row] = (await ds.query("SELECT status, version FROM assignment WHERE id = ?", [
        ids[0],
      ])) as Array<{
        status: string;
        version: number;
      }>;
      state.set(ids[0], { status: row.status, version: Number(row.version) });
      const body = await transition(`http://127.0.0.1:${port2}/graphql`, ids[0]);
      result.recovered = !!body.data?.transitionAssignment?.assignment;
      result.violations.push(...(await checkInvariants(ds, ids)));
    } finally {
      await again.stop();
    }
    return result;
  } finally {
    await api.stop();
  }
}

/** Every committed change is whole: status, version, history and audit agree for each assignment. */
export async function checkInvariants(ds: DataSource, ids: number[]): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT a.id, a.status, a.version,
            (SELECT COUNT(*) FROM assignment_event e WHERE e.assignment_id = a.id) AS events,
            (SELECT e.to_status FROM assignment_event e WHERE e.assignment_id = a.id ORDER BY e.id DESC LIMIT 1) AS last_status,
            (SELECT COUNT(*) FROM audit_entry x WHERE x.object_type = 'Assignment' AND x.object_id = a.id AND x.action LIKE 'assignment.%') AS audits
       FROM assignment a WHERE a.id IN (?)`,
    [ids],
  )) as Array<{
    id: number;
    status: string;
    version: number;
    events: string;
    last_status: string | null;
    audits: string;
  }>;
  const problems: string[] = [];
  for (const r of rows) {
    const events = Number(r.events);
    if ((r.last_status ?? "assigned") !== r.status)
      problems.push(`assignment ${r.id}: status ${r.status}, last event says ${r.last_status}`);
    if (Number(r.version) !== 1 + events)
      problems.push(`assignment ${r.id}: version ${r.version} after ${events} events`);
    if (Number(r.audits) !== events)
      problems.push(`assignment ${r.id}: ${r.audits} audit entries for ${events} events`);
  }
  if (rows.length !== ids.length) problems.push(`${ids.length - rows.length} assignments missing`);
  return problems;
}

export const randomTag = () => randomBytes(3).toString("hex");
