/**
 * Failure drill: MariaDB restarted under load. The API runs against a MariaDB server of the test's
 * own; while readers and writers keep sending requests the server is stopped, left down, and
 * started again. While it is down every request gets a clear SERVICE_UNAVAILABLE error (no SQL,
 * no driver message, no stack) within its timeout; once it is back the same API process answers
 * again without a restart, and every write it acknowledged is stored exactly once.
 */
import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { createServer, type AppServer } from "../../src/app/server";
import { issueTokens } from "../../src/auth/session";
import { loadConfig } from "../../src/config/env";
import { createDataSource, ensureDatabase } from "../../src/db/data-source";
import { createRedis } from "../../src/queue/connection";
import { FixedClock } from "../../src/shared/clock";
import { toGlobalId } from "../../src/shared/ids";
import { createLogger } from "../../src/shared/logger";
import { Role } from "../../src/shared/roles";
import { UnitType } from "../../src/units/unit.enums";
import { makeOrg, makePlan, makeTask, makeUnit, makeUser } from "../factories";
import { startPrivateMariaDb, type PrivateMariaDb } from "../helpers/private-mariadb";

jest.setTimeout(180_000);

const INTERNALS =
  /\bat \S+ \(|SELECT |INSERT |UPDATE |ER_[A-Z_]+|ECONN|mysql|mariadb|TypeORM|QueryFailed|node_modules/i;

interface Outcome {
  phase: "before" | "down" | "after";
  ok: boolean;
  code: string | null;
  raw: string;
  commentBody?: string;
}

let mariadb: PrivateMariaDb;
let ds: DataSource;
let server: AppServer;
let redis: ReturnType<typeof createRedis>;
let url: string;
let token: string;
let taskId: string;
let prefix: string;

beforeAll(async () => {
  mariadb = await startPrivateMariaDb();
  prefix = `ntm_drill_${randomBytes(3).toString("hex")}`;
  const config = loadConfig({ ...process.env, DATABASE_URL: mariadb.url("ntm_drill"), REDIS_PREFIX: prefix });
  await ensureDatabase(config.database);
  ds = createDataSource(config.database, { poolSize: 5 });
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  const clock = new FixedClock(new Date("2022-06-15T03:00:00Z"));
  redis = createRedis(config.redisUrl);
  server = await createServer({ config, ds, redis, logger: createLogger("silent"), clock });
  url = `http://127.0.0.1:${await server.listen(0, "127.0.0.1")}`;

  const province = await makeUnit(ds, { name: "Tỉnh Bắc Kạn", type: UnitType.TINH });
  const office = await makeOrg(ds, { unit: province, name: "Văn phòng Điều phối NTM tỉnh" });
  const admin = await makeUser(ds, { org: office, roles: [Role.SYSTEM_ADMIN] });
  const plan = await makePlan(ds, { scope: province });
  const task = await makeTask(ds, { plan, lead: office });
  taskId = toGlobalId("Task", task.id);
  token = (await issueTokens(ds.manager, config, admin, clock.now())).tokens.accessToken;
});

afterAll(async () => {
  await server?.reminderQueue.obliterate({ force: true }).catch(() => undefined);
  await server?.stop();
  for (let cursor = "0"; ;) {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
    if (cursor === "0") break;
  }
  await redis?.quit();
  if (ds?.isInitialized) await ds.destroy();
  await mariadb?.destroy();
});

async function send(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; raw: string }> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    // A request that hangs while the database is down fails the drill.
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, raw: await res.text() };
}

const READ = `query { me { user { id } } units(first: 5) { totalCount edges { node { id name } } } }`;
const WRITE = `mutation($input: AddTaskCommentInput!) { addTaskComment(input: $input) { comment { id body } userErrors { code message } } }`;

describe("drill: MariaDB restarted under load", () => {
  it("answers SERVICE_UNAVAILABLE while it is down and recovers without a restart; acknowledged writes are stored once", async () => {
    let phase: Outcome["phase"] = "before";
    let stopLoad = false;
    let n = 0;
    const outcomes: Outcome[] = [];

    const worker = async (kind: "read" | "write") => {
      while (!stopLoad) {
        const started = phase;
        const body = `Bình luận ${++n} — kiểm tra khôi phục`;
        const { raw } = kind === "read" ? await send(READ) : await send(WRITE, { input: { taskId, body } });
        const parsed = JSON.parse(raw) as {
          data?: Record<string, unknown> | null;
          errors?: Array<{ extensions?: { code?: string } }>;
        };
        const code = parsed.errors?.[0]?.extensions?.code ?? null;
        const ok = !parsed.errors && !!parsed.data;
        // "before": finished before the stop began; "after": started once the API had recovered.
        const at = phase === "before" ? "before" : started === "after" ? "after" : "down";
        outcomes.push({ phase: at, ok, code, raw, commentBody: kind === "write" && ok ? body : undefined });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const load = [worker("read"), worker("read"), worker("write")];

    await new Promise((r) => setTimeout(r, 1000));
    phase = "down";
    await mariadb.stop();
    await new Promise((r) => setTimeout(r, 4000));
    await mariadb.start();
    // Recovered once a read succeeds again on the same server.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { raw } = await send(READ);
      const r = JSON.parse(raw) as { errors?: unknown };
      if (!r.errors) break;
      if (Date.now() > deadline) {
        stopLoad = true;
        await Promise.all(load);
        throw new Error(`the API did not recover within 60 s of MariaDB's restart: ${raw}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    phase = "after";
    await new Promise((r) => setTimeout(r, 1500));
    stopLoad = true;
    await Promise.all(load);

    const before = outcomes.filter((o) => o.phase === "before");
    const down = outcomes.filter((o) => o.phase === "down");
    const after = outcomes.filter((o) => o.phase === "after");
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((o) => o.ok)).toBe(true);
    // While down (and while it came back) a request either worked or said the service is unavailable.
    const failures = down.filter((o) => !o.ok);
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map((o) => o.code))).toEqual(new Set(["SERVICE_UNAVAILABLE"]));
    // Nothing internal in any response.
    for (const o of outcomes) expect(o.raw).not.toMatch(INTERNALS);
    // After recovery every request works, reads and writes.
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.ok)).toBe(true);

    // Every acknowledged comment is stored, once; nothing was stored twice.
    const acknowledged = outcomes.flatMap((o) => (o.commentBody ? [o.commentBody] : []));
    const rows: Array<{ body: string; n: number }> = await ds.query(
      "SELECT body, COUNT(*) AS n FROM task_comment GROUP BY body",
    );
    const stored = new Map(rows.map((r) => [r.body, Number(r.n)]));
    for (const body of acknowledged) expect(stored.get(body)).toBe(1);
    expect([...stored.values()].every((c) => c === 1)).toBe(true);
  });
});
