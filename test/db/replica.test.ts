/**
 * Read replicas, against two MariaDB servers of the test's own: a primary with a binlog and a
 * replica replicating from it. Proves where statements go: everything on the primary by default
 * (read-your-writes), `readFromReplica` on the replica, and back to the primary when no replica answers.
 */
import type { DataSource } from "typeorm";
import { loadConfig } from "../../src/config/env";
import { createDataSource, ensureDatabase } from "../../src/db/data-source";
import { hasReplicas, readFromReplica } from "../../src/db/replica";
import { Unit } from "../../src/units/unit.entity";
import { UnitType } from "../../src/units/unit.enums";
import { makeUnit } from "../factories";
import { caughtUp, type PrivateMariaDb, replicate, startPrivateMariaDb } from "../helpers/private-mariadb";

jest.setTimeout(120_000);

const DB = "ntm_replica_test";
let primary: PrivateMariaDb;
let replica: PrivateMariaDb;
let ds: DataSource;
const warnings: unknown[] = [];
const logger = { warn: (obj: unknown) => void warnings.push(obj) };

const serverId = async (run: (sql: string) => Promise<Array<{ id: number | string }>>) =>
  Number((await run("SELECT @@server_id AS id"))[0].id);

beforeAll(async () => {
  const started = await Promise.allSettled([
    startPrivateMariaDb({ serverId: 1, binlog: true }),
    startPrivateMariaDb({ serverId: 2 }),
  ]);
  // One failed to start: stop the other, or it outlives the test.
  const failed = started.find((r) => r.status === "rejected");
  if (failed) {
    await Promise.all(started.map((r) => (r.status === "fulfilled" ? r.value.destroy() : undefined)));
    throw failed.reason;
  }
  [primary, replica] = started.map((r) => (r as PromiseFulfilledResult<PrivateMariaDb>).value);
  await replicate(replica, primary);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: primary.url(DB),
    DATABASE_REPLICA_URLS: replica.url(DB),
  });
  expect(config.database.replicas).toHaveLength(1);
  await ensureDatabase(config.database);
  ds = createDataSource(config.database, { poolSize: 3 });
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  await caughtUp(replica, primary);
  // Repository/query-builder reads need a row to select from.
  await makeUnit(ds, { name: "Tỉnh Bắc Kạn", type: UnitType.TINH });
  await caughtUp(replica, primary);
});

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  await Promise.all([primary?.destroy(), replica?.destroy()]);
});

describe("read replicas", () => {
  it("replicates the migrated schema to the replica", async () => {
    const tables = await replica.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = 'admin_unit'",
      [DB],
    );
    expect(Number(tables[0].n)).toBe(1);
    expect(hasReplicas(ds)).toBe(true);
  });

  it("sends raw queries, repository reads and query builders to the primary by default", async () => {
    expect(await serverId((sql) => ds.query(sql))).toBe(1);
    const qb = await ds
      .createQueryBuilder()
      .select("@@server_id", "id")
      .from(Unit, "u")
      .getRawOne<{ id: number }>();
    expect(Number(qb!.id)).toBe(1);
    expect(await serverId((sql) => ds.manager.query(sql))).toBe(1);
  });

  it("sends readFromReplica to the replica", async () => {
    expect(await readFromReplica(ds, (m) => serverId((sql) => m.query(sql)))).toBe(2);
    const qb = await readFromReplica(ds, (m) =>
      m.createQueryBuilder().select("@@server_id", "id").from(Unit, "u").getRawOne<{ id: number }>(),
    );
    expect(Number(qb!.id)).toBe(2);
  });

  it("a write is read back on the primary at once, and on the replica once replication has applied it", async () => {
    await replica.query("STOP SLAVE");
    const unit = await makeUnit(ds, { name: "Xã Nông Thượng (bản sao)", type: UnitType.XA });
    // Read-your-writes: the default path is the primary, which has the row.
    const onPrimary = await ds.getRepository(Unit).findOneBy({ id: unit.id });
    expect(onPrimary?.name).toBe("Xã Nông Thượng (bản sao)");
    // The replica is behind while replication is stopped.
    const stale = await readFromReplica(ds, (m) => m.getRepository(Unit).findOneBy({ id: unit.id }));
    expect(stale).toBeNull();

    await replica.query("START SLAVE");
    await caughtUp(replica, primary);
    const fresh = await readFromReplica(ds, (m) => m.getRepository(Unit).findOneBy({ id: unit.id }));
    expect(fresh?.name).toBe("Xã Nông Thượng (bản sao)");
  });

  it("falls back to the primary when no replica answers, and uses the replica again when it is back", async () => {
    await replica.stop();
    warnings.length = 0;
    expect(await readFromReplica(ds, (m) => serverId((sql) => m.query(sql)), logger)).toBe(1);
    expect(warnings).toHaveLength(1);

    await replica.start();
    // The pool cluster set the replica aside for restoreNodeTimeout (10 s); it comes back after it.
    const deadline = Date.now() + 30_000;
    let id = 1;
    while (id !== 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      id = await readFromReplica(ds, (m) => serverId((sql) => m.query(sql)));
    }
    expect(id).toBe(2);
  });
});

describe("DATABASE_REPLICA_URLS", () => {
  it("is empty by default: one server, no replication", () => {
    const config = loadConfig({ ...process.env, DATABASE_REPLICA_URLS: "" });
    expect(config.database.replicas).toEqual([]);
  });

  it("accepts several replicas and refuses a malformed one or another database name", () => {
    const ok = loadConfig({
      ...process.env,
      DATABASE_URL: "mysql://app:pw@db1:3306/ntm",
      DATABASE_REPLICA_URLS: "mysql://ro:pw@db2:3306/ntm, mysql://ro:pw@db3:3307/ntm",
    });
    expect(ok.database.replicas.map((r) => `${r.host}:${r.port}/${r.name}`)).toEqual([
      "db2:3306/ntm",
      "db3:3307/ntm",
    ]);
    expect(() =>
      loadConfig({
        ...process.env,
        DATABASE_URL: "mysql://app@db1/ntm",
        DATABASE_REPLICA_URLS: "http://x/ntm",
      }),
    ).toThrow(/DATABASE_REPLICA_URLS must be a comma-separated list/);
    expect(() =>
      loadConfig({
        ...process.env,
        DATABASE_URL: "mysql://app@db1/ntm",
        DATABASE_REPLICA_URLS: "mysql://ro@db2/other",
      }),
    ).toThrow(/its name must be "ntm"/);
  });
});
