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
  database: { host: string; port: number; user: string; password: string; name: string };
  redisUrl: string;
  redisPrefix: string;
  timeZone: string;
  logLevel: string;
  /** Secret used to sign opaque cursors and, later, tokens. */
  appSecret: string;
  seedOnStart: boolean;
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
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_PREFIX: "ntm",
  TZ_PLAN: "Asia/Ho_Chi_Minh",
  LOG_LEVEL: "info",
  NODE_ENV: "development",
  SEED_ON_START: "true",
} as const;

const DEV_SECRET = "dev-only-secret-change-me-in-production-0123456789";

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const get = (name: keyof typeof DEFAULTS): string => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? DEFAULTS[name] : v.trim();
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
  let database: Config["database"] = { host: "", port: 0, user: "", password: "", name: "" };
  try {
    const u = new URL(databaseUrl);
    if (u.protocol !== "mysql:" && u.protocol !== "mariadb:") throw new Error("protocol");
    const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
    if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error("name");
    database = {
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username || "root"),
      password: decodeURIComponent(u.password),
      name,
    };
  } catch {
    problems.push(
      `DATABASE_URL must look like mysql://user:password@host:3306/database with a database name of letters, digits and _ (got "${redact(databaseUrl)}")`,
    );
  }

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
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
