import net from "node:net";
import path from "node:path";

/**
 * The only reader of process.env. Parsed and validated once; a wrong setting is a clear
 * message listing every problem, never a crash deep inside a driver.
 */
export type NodeEnv = "development" | "test" | "production";

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  databaseUrl: string;
  database: DatabaseConfig;
  redisUrl: string;
  redisPrefix: string;
  timeZone: string;
  logLevel: string;
  /** Secret used to sign opaque cursors and, later, tokens. */
  appSecret: string;
  seedOnStart: boolean;
  /** Run the background workers inside the API process too (npm start); off when a worker process runs them. */
  startWorkers: boolean;
  /** Seed one demo user per role (README lists them); never in production. */
  seedDemoUsers: boolean;
  auth: {
    issuer: string;
    audience: string;
    /** Access-token lifetime, at most 15 minutes. */
    accessTtlSeconds: number;
    refreshTtlDays: number;
    /** Failed passwords before an account locks, and for how long. */
    maxFailedLogins: number;
    lockMinutes: number;
    /** Login attempts allowed per client address per window. */
    ipAttemptsPerWindow: number;
    ipWindowSeconds: number;
    /** The province's identity provider (OIDC); all three set, or none. */
    oidc: { jwksUrl: string; issuer: string; audience: string } | null;
  };
  /** Evidence files (minh chứng) uploaded to POST /attachments. */
  attachments: {
    /** Absolute directory the files are kept in (created on first upload). */
    dir: string;
    /** Largest file accepted, in bytes (at most 100 MiB). */
    maxBytes: number;
  };
  /** Deadline reminders (the worker process). */
  reminders: {
    /** Reminder jobs one worker process runs at once. */
    concurrency: number;
    /** How far ahead the reconciler schedules reminders, in hours. */
    lookaheadHours: number;
  };
  /** Webhook deliveries (notifications/jobs/deliver-webhook.job.ts). */
  webhooks: {
    /** Tries per delivery before it is marked failed (WEBHOOK_MAX_ATTEMPTS). */
    maxAttempts: number;
    /** First retry delay in ms, doubled each time (WEBHOOK_BACKOFF_MS). */
    backoffMs: number;
  };
  /** The dashboard's answer cache (app/progress-cache.ts). */
  progressCache: {
    /** How long an answer may be reused while no roll-up commits (PROGRESS_CACHE_SECONDS); 0: off. */
    seconds: number;
    /** Answers kept per API process, least recently used dropped first (PROGRESS_CACHE_ENTRIES). */
    entries: number;
  };
  /** The e-mail channel of reminders (notifications/email.ts); off when `smtpUrl` is null. */
  mail: {
    /** smtp://user:password@host:587 or smtps://…:465; null when SMTP_URL is empty. */
    smtpUrl: string | null;
    /** The From header of every e-mail. */
    from: string;
  };
  /**
   * What an API process keeps in memory (README "Caches"): a checked session and its viewer, and
   * the administrative units.
   */
  caches: {
    /**
     * Seconds a verified session and its viewer are reused without MariaDB (AUTH_CACHE_SECONDS);
     * 0: every request reads them. Also the longest a change made outside the API (or one whose
     * Redis notice was lost) takes to reach another API process.
     */
    authSeconds: number;
    /** Seconds the units are served from memory before their version is checked again (UNIT_CACHE_SECONDS); 0: on every request. */
    unitSeconds: number;
    /** Largest admin_unit table kept in memory (UNIT_CACHE_MAX_ROWS); 0: never, every read goes to MariaDB. */
    unitMaxRows: number;
  };
  /** Operations: /metrics access, the worker's HTTP listener, the queues dashboard, shutdown. */
  ops: {
    /** Bearer token that opens /metrics from anywhere (METRICS_TOKEN); null: only the allowlist. */
    metricsToken: string | null;
    /** Client addresses or CIDR ranges that may read /metrics without the token (METRICS_ALLOW). */
    metricsAllow: string[];
    /** Port of the worker's /health, /ready and /metrics listener (WORKER_METRICS_PORT); null: none. */
    workerMetricsPort: number | null;
    /** Address the worker's listener binds (WORKER_METRICS_HOST). */
    workerMetricsHost: string;
    /** Lifetime of the /admin session cookie, in seconds (ADMIN_SESSION_TTL_SECONDS). */
    adminSessionTtlSeconds: number;
    /** How long a SIGTERM waits for in-flight requests or jobs before closing anyway (SHUTDOWN_TIMEOUT_MS). */
    shutdownTimeoutMs: number;
  };
}

export interface DbCredentials {
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
}

/** The primary, and the read replicas that dashboard reads may use (DATABASE_REPLICA_URLS). */
export interface DatabaseConfig extends DbCredentials {
  replicas: DbCredentials[];
}

/** mysql://user:password@host:port/name, or null when it is not one. */
function parseDatabaseUrl(raw: string): DbCredentials | null {
  try {
    const u = new URL(raw);
    if (u.protocol !== "mysql:" && u.protocol !== "mariadb:") return null;
    const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
    if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) return null;
    return {
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username || "root"),
      password: decodeURIComponent(u.password),
      name,
    };
  } catch {
    return null;
  }
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

export const DEFAULTS = {
  PORT: "4000",
  HOST: "0.0.0.0",
  DATABASE_URL: "mysql://root@127.0.0.1:3306/ntm",
  DATABASE_REPLICA_URLS: "",
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_PREFIX: "ntm",
  TZ_PLAN: "Asia/Ho_Chi_Minh",
  LOG_LEVEL: "info",
  NODE_ENV: "development",
  SEED_ON_START: "true",
  START_WORKERS: "true",
  SEED_DEMO_USERS: "",
  JWT_ISSUER: "ntm-plan-api",
  JWT_AUDIENCE: "ntm-portals",
  ACCESS_TOKEN_TTL_SECONDS: "900",
  REFRESH_TOKEN_TTL_DAYS: "30",
  LOGIN_MAX_FAILURES: "5",
  LOGIN_LOCK_MINUTES: "15",
  LOGIN_IP_MAX_ATTEMPTS: "30",
  LOGIN_IP_WINDOW_SECONDS: "600",
  OIDC_JWKS_URL: "",
  OIDC_ISSUER: "",
  OIDC_AUDIENCE: "",
  ATTACHMENTS_DIR: "./data/attachments",
  ATTACHMENT_MAX_BYTES: String(10 * 1024 * 1024),
  REMINDER_CONCURRENCY: "5",
  REMINDER_LOOKAHEAD_HOURS: "36",
  WEBHOOK_MAX_ATTEMPTS: "5",
  WEBHOOK_BACKOFF_MS: "1000",
  PROGRESS_CACHE_SECONDS: "30",
  PROGRESS_CACHE_ENTRIES: "500",
  SMTP_URL: "",
  MAIL_FROM: '"Văn phòng Điều phối NTM" <no-reply@ntm.backan.gov.vn>',
  METRICS_TOKEN: "",
  METRICS_ALLOW: "127.0.0.1,::1",
  WORKER_METRICS_PORT: "",
  WORKER_METRICS_HOST: "0.0.0.0",
  ADMIN_SESSION_TTL_SECONDS: "900",
  SHUTDOWN_TIMEOUT_MS: "10000",
  AUTH_CACHE_SECONDS: "5",
  UNIT_CACHE_SECONDS: "5",
  UNIT_CACHE_MAX_ROWS: "20000",
} as const;

/** The largest ATTACHMENT_MAX_BYTES allowed: 100 MiB. */
export const ATTACHMENT_MAX_BYTES_LIMIT = 100 * 1024 * 1024;

const DEV_SECRET = "dev-only-secret-change-me-in-production-0123456789";

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const get = (name: keyof typeof DEFAULTS): string => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? DEFAULTS[name] : v.trim();
  };
  const int = (name: keyof typeof DEFAULTS, min: number, max: number): number => {
    const raw = get(name);
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return min;
    }
    return n;
  };

  const nodeEnvRaw = get("NODE_ENV");
  let nodeEnv: NodeEnv = "development";
  if (nodeEnvRaw === "development" || nodeEnvRaw === "test" || nodeEnvRaw === "production")
    nodeEnv = nodeEnvRaw;
  else problems.push(`NODE_ENV must be development, test or production (got "${nodeEnvRaw}")`);

  const portRaw = get("PORT");
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port < 0 || port > 65535)
    problems.push(`PORT must be an integer 0-65535 (got "${portRaw}")`);

  const databaseUrl = get("DATABASE_URL");
  const primary = parseDatabaseUrl(databaseUrl);
  if (!primary)
    problems.push(
      `DATABASE_URL must look like mysql://user:password@host:3306/database with a database name of letters, digits and _ (got "${redact(databaseUrl)}")`,
    );
  const replicaUrls = get("DATABASE_REPLICA_URLS")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const replicas: DbCredentials[] = [];
  for (const url of replicaUrls) {
    const r = parseDatabaseUrl(url);
    if (!r)
      problems.push(
        `DATABASE_REPLICA_URLS must be a comma-separated list of mysql://user:password@host:3306/database (got "${redact(url)}")`,
      );
    else if (primary && r.name !== primary.name)
      problems.push(
        `DATABASE_REPLICA_URLS: a replica holds the primary's database, so its name must be "${primary.name}" (got "${r.name}")`,
      );
    else replicas.push(r);
  }
  const database: DatabaseConfig = {
    ...(primary ?? { host: "", port: 0, user: "", password: "", name: "" }),
    replicas,
  };

  const redisUrl = get("REDIS_URL");
  try {
    const u = new URL(redisUrl);
    if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new Error("protocol");
  } catch {
    problems.push(`REDIS_URL must look like redis://host:6379 (got "${redact(redisUrl)}")`);
  }

  const redisPrefix = get("REDIS_PREFIX");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(redisPrefix))
    problems.push(`REDIS_PREFIX must be 1-64 letters, digits, _ or - (got "${redisPrefix}")`);

  const timeZone = get("TZ_PLAN");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    problems.push(`TZ_PLAN must be an IANA time zone such as Asia/Ho_Chi_Minh (got "${timeZone}")`);
  }

  const logLevel = get("LOG_LEVEL");
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(logLevel)) {
    problems.push(
      `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`,
    );
  }

  const workersRaw = get("START_WORKERS").toLowerCase();
  if (!["true", "false", "1", "0"].includes(workersRaw))
    problems.push(`START_WORKERS must be true or false (got "${workersRaw}")`);
  const seedRaw = get("SEED_ON_START").toLowerCase();
  if (!["true", "false", "1", "0"].includes(seedRaw))
    problems.push(`SEED_ON_START must be true or false (got "${seedRaw}")`);

  let appSecret = env.APP_SECRET?.trim() ?? "";
  if (appSecret === "") {
    if (nodeEnv === "production")
      problems.push("APP_SECRET must be set in production (at least 32 characters)");
    appSecret = DEV_SECRET;
  } else if (appSecret.length < 32) {
    problems.push("APP_SECRET must be at least 32 characters");
  }

  const demoRaw = get("SEED_DEMO_USERS").toLowerCase();
  if (!["", "true", "false", "1", "0"].includes(demoRaw))
    problems.push(`SEED_DEMO_USERS must be true or false (got "${demoRaw}")`);
  const seedDemoUsers = demoRaw === "" ? nodeEnv !== "production" : demoRaw === "true" || demoRaw === "1";
  if (seedDemoUsers && nodeEnv === "production")
    problems.push("SEED_DEMO_USERS cannot be true in production");

  const accessTtlSeconds = int("ACCESS_TOKEN_TTL_SECONDS", 30, 900);
  const refreshTtlDays = int("REFRESH_TOKEN_TTL_DAYS", 1, 90);
  const maxFailedLogins = int("LOGIN_MAX_FAILURES", 1, 100);
  const lockMinutes = int("LOGIN_LOCK_MINUTES", 1, 1440);
  const ipAttemptsPerWindow = int("LOGIN_IP_MAX_ATTEMPTS", 1, 100000);
  const ipWindowSeconds = int("LOGIN_IP_WINDOW_SECONDS", 1, 86400);

  const oidcParts = [get("OIDC_JWKS_URL"), get("OIDC_ISSUER"), get("OIDC_AUDIENCE")];
  let oidc: Config["auth"]["oidc"] = null;
  if (oidcParts.some((p) => p !== "")) {
    if (oidcParts.some((p) => p === "")) {
      problems.push("OIDC_JWKS_URL, OIDC_ISSUER and OIDC_AUDIENCE must be set together");
    } else {
      try {
        const u = new URL(oidcParts[0]);
        if (
          u.protocol !== "https:" &&
          !(u.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname))
        ) {
          throw new Error("scheme");
        }
        oidc = { jwksUrl: oidcParts[0], issuer: oidcParts[1], audience: oidcParts[2] };
      } catch {
        problems.push(`OIDC_JWKS_URL must be an https URL (http only on localhost) (got "${oidcParts[0]}")`);
      }
    }
  }

  const attachmentsDirRaw = get("ATTACHMENTS_DIR");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(attachmentsDirRaw))
    problems.push("ATTACHMENTS_DIR must be a directory path without control characters");
  const attachmentsDir = path.resolve(attachmentsDirRaw);
  if (attachmentsDir === path.parse(attachmentsDir).root)
    problems.push(`ATTACHMENTS_DIR must not be the file system's root (got "${attachmentsDirRaw}")`);
  const attachmentMaxBytes = int("ATTACHMENT_MAX_BYTES", 1, ATTACHMENT_MAX_BYTES_LIMIT);
  const reminderConcurrency = int("REMINDER_CONCURRENCY", 1, 100);
  const reminderLookaheadHours = int("REMINDER_LOOKAHEAD_HOURS", 1, 168);
  const webhookMaxAttempts = int("WEBHOOK_MAX_ATTEMPTS", 1, 20);
  const webhookBackoffMs = int("WEBHOOK_BACKOFF_MS", 1, 3_600_000);
  const progressCache = {
    seconds: int("PROGRESS_CACHE_SECONDS", 0, 3600),
    entries: int("PROGRESS_CACHE_ENTRIES", 1, 100_000),
  };

  const smtpUrlRaw = get("SMTP_URL");
  let smtpUrl: string | null = null;
  if (smtpUrlRaw !== "") {
    try {
      const u = new URL(smtpUrlRaw);
      if ((u.protocol !== "smtp:" && u.protocol !== "smtps:") || u.hostname === "")
        throw new Error("protocol");
      smtpUrl = smtpUrlRaw;
    } catch {
      problems.push(
        `SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465, or be empty (got "${redact(smtpUrlRaw)}")`,
      );
    }
  }
  const mailFrom = get("MAIL_FROM");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(mailFrom) || !/@/.test(mailFrom))
    problems.push(`MAIL_FROM must be an address such as "Name" <no-reply@example.org> (got "${mailFrom}")`);

  const ops = parseOps(env, get, int, problems);
  const caches = {
    authSeconds: int("AUTH_CACHE_SECONDS", 0, 60),
    unitSeconds: int("UNIT_CACHE_SECONDS", 0, 3600),
    unitMaxRows: int("UNIT_CACHE_MAX_ROWS", 0, 1_000_000),
  };

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv,
    port,
    host: get("HOST"),
    databaseUrl,
    database,
    redisUrl,
    redisPrefix,
    timeZone,
    logLevel,
    appSecret,
    seedOnStart: seedRaw === "true" || seedRaw === "1",
    startWorkers: workersRaw === "true" || workersRaw === "1",
    seedDemoUsers,
    auth: {
      issuer: get("JWT_ISSUER"),
      audience: get("JWT_AUDIENCE"),
      accessTtlSeconds,
      refreshTtlDays,
      maxFailedLogins,
      lockMinutes,
      ipAttemptsPerWindow,
      ipWindowSeconds,
      oidc,
    },
    attachments: { dir: attachmentsDir, maxBytes: attachmentMaxBytes },
    reminders: { concurrency: reminderConcurrency, lookaheadHours: reminderLookaheadHours },
    webhooks: { maxAttempts: webhookMaxAttempts, backoffMs: webhookBackoffMs },
    progressCache,
    mail: { smtpUrl, from: mailFrom },
    caches,
    ops,
  };
}

/** METRICS_ALLOW entries: an IPv4 or IPv6 address, or a CIDR range of either. */
function validAllowEntry(entry: string): boolean {
  const [addr, bits, ...rest] = entry.split("/");
  const family = net.isIP(addr);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

function parseOps(
  env: Env,
  get: (name: keyof typeof DEFAULTS) => string,
  int: (name: keyof typeof DEFAULTS, min: number, max: number) => number,
  problems: string[],
): Config["ops"] {
  const token = env.METRICS_TOKEN?.trim() ?? "";
  if (token !== "" && (token.length < 16 || /\s/.test(token)))
    problems.push("METRICS_TOKEN must be at least 16 characters without spaces, or empty");
  // An explicitly empty METRICS_ALLOW means no address at all (token only).
  const allowRaw = env.METRICS_ALLOW === undefined ? DEFAULTS.METRICS_ALLOW : env.METRICS_ALLOW.trim();
  const metricsAllow = allowRaw
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  const bad = metricsAllow.filter((e) => !validAllowEntry(e));
  if (bad.length > 0)
    problems.push(
      `METRICS_ALLOW must list IP addresses or CIDR ranges separated by commas (bad: ${bad.map((b) => `"${b}"`).join(", ")})`,
    );
  const portRaw = get("WORKER_METRICS_PORT");
  let workerMetricsPort: number | null = null;
  if (portRaw !== "") {
    const n = Number(portRaw);
    if (!/^\d+$/.test(portRaw) || n < 1 || n > 65535)
      problems.push(`WORKER_METRICS_PORT must be an integer 1-65535, or empty for none (got "${portRaw}")`);
    else workerMetricsPort = n;
  }
  const workerMetricsHost = get("WORKER_METRICS_HOST");
  if (net.isIP(workerMetricsHost) === 0 && workerMetricsHost !== "localhost")
    problems.push(`WORKER_METRICS_HOST must be an IP address such as 0.0.0.0 (got "${workerMetricsHost}")`);
  return {
    metricsToken: token === "" ? null : token,
    metricsAllow,
    workerMetricsPort,
    workerMetricsHost,
    adminSessionTtlSeconds: int("ADMIN_SESSION_TTL_SECONDS", 60, 3600),
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS", 100, 600_000),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
