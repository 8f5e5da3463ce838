import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";

const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface PrivateMariaDb {
  port: number;
  /** mysql://root@127.0.0.1:PORT/NAME */
  url(database: string): string;
  /** One statement on a short-lived connection (no database selected). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Clean shutdown (SIGTERM), waiting for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: the server dies as in a crash. */
  kill(): Promise<void>;
  /** Starts the server again on the same data directory and port. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A MariaDB server of the test's own, in a temporary data directory (mariadb-install-db), on a free
 * port: for tests that stop, kill or replicate a server, which must never happen to the shared one.
 * `root` logs in over TCP with an empty password, as on the shared server.
 */
export async function startPrivateMariaDb(
  opts: {
    serverId?: number;
    binlog?: boolean;
    /**
     * Server settings (my.cnf names, e.g. { "innodb-buffer-pool-size": "2G" }), passed as
     * --name=value after the defaults here, so they override them.
     */
    settings?: Record<string, string>;
  } = {},
): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(path.join(tmpdir(), "ntm-mariadb-"));
  const datadir = path.join(dir, "data");
  // A tmpdir of its own: a starting server deletes leftover #sql files in its tmpdir, which breaks a
  // bootstrap running at the same time in a shared /tmp.
  const tmp = path.join(dir, "tmp");
  mkdirSync(tmp);
  const port = await freePort();
  await run("mariadb-install-db", [
    "--no-defaults",
    `--datadir=${datadir}`,
    "--user=root",
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    `--tmpdir=${tmp}`,
  ]);
  const args = [
    "--no-defaults",
    `--datadir=${datadir}`,
    `--tmpdir=${tmp}`,
    `--port=${port}`,
    `--socket=${path.join(dir, "mysqld.sock")}`,
    `--pid-file=${path.join(dir, "mysqld.pid")}`,
    "--bind-address=127.0.0.1",
    "--user=root",
    `--server-id=${opts.serverId ?? 1}`,
    "--innodb-buffer-pool-size=64M",
    "--innodb-log-file-size=16M",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    ...(opts.binlog ? [`--log-bin=${path.join(datadir, "binlog")}`, "--binlog-format=ROW"] : []),
    ...Object.entries(opts.settings ?? {}).map(([name, value]) => `--${name}=${value}`),
  ];
  let child: ChildProcess | null = null;
  let stderr = "";

  const answers = async (): Promise<boolean> => {
    try {
      const c = await mysql.createConnection({ host: "127.0.0.1", port, user: "root", connectTimeout: 1000 });
      await c.end();
      return true;
    } catch {
      return false;
    }
  };
  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once("exit", () => resolve());
    });

  const start = async () => {
    stderr = "";
    const c = spawn("/usr/sbin/mariadbd", args, { stdio: ["ignore", "ignore", "pipe"] });
    c.stderr!.on("data", (b: Buffer) => (stderr = (stderr + b.toString("utf8")).slice(-4000)));
    child = c;
    const deadline = Date.now() + 30_000;
    while (!(await answers())) {
      if (c.exitCode !== null) throw new Error(`mariadbd exited (${c.exitCode}): ${stderr}`);
      if (Date.now() > deadline)
        throw new Error(`mariadbd on port ${port} did not answer within 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stopWith = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c) return;
    child = null;
    const done = exited(c);
    c.kill(signal);
    await done;
  };

  await start();
  return {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    async query<T>(sql: string, params: unknown[] = []) {
      const c = await mysql.createConnection({ host: "127.0.0.1", port, user: "root" });
      try {
        const [rows] = await c.query(sql, params);
        return rows as T[];
      } finally {
        await c.end();
      }
    },
    stop: () => stopWith("SIGTERM"),
    kill: () => stopWith("SIGKILL"),
    start,
    async destroy() {
      await stopWith("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes `replica` replicate everything `primary` writes from now on (GTID, row-based binlog on
 * the primary). Both servers should be fresh: the replica starts from the primary's current state.
 */
export async function replicate(replica: PrivateMariaDb, primary: PrivateMariaDb): Promise<void> {
  await replica.query(
    `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='root',
     MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
  );
  await replica.query("START SLAVE");
}

/** Waits until the replica has applied everything the primary has written so far. */
export async function caughtUp(
  replica: PrivateMariaDb,
  primary: PrivateMariaDb,
  timeoutSec = 20,
): Promise<void> {
  const [{ pos }] = await primary.query<{ pos: string }>("SELECT @@gtid_binlog_pos AS pos");
  const [{ r }] = await replica.query<{ r: number | null }>("SELECT MASTER_GTID_WAIT(?, ?) AS r", [
    pos,
    timeoutSec,
  ]);
  if (r !== 0) throw new Error(`replica did not reach ${pos} within ${timeoutSec} s`);
}
