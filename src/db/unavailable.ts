import { DomainError, ErrorCode } from "../shared/errors";

/** What a client sees while the database does not answer. */
export class DatabaseUnavailableError extends DomainError {
  constructor() {
    super("The database is not answering; try again shortly", ErrorCode.SERVICE_UNAVAILABLE);
  }
}

/**
 * Errors that mean "the database is not answering" (down, restarting, failing over, out of
 * connections), as opposed to a bug or a bad statement. Clients get SERVICE_UNAVAILABLE for these,
 * and may retry; the pool reconnects by itself once the server is back.
 */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
  "ER_CONNECTION_KILLED",
  "ER_QUERY_INTERRUPTED",
  "ER_SERVER_GONE_ERROR",
  "ER_SERVER_LOST",
  "POOL_CLOSED",
  "POOL_NOEXIST",
]);

/** SQLSTATE 08xxx: connection exceptions. */
const CONNECTION_SQLSTATE = /^08/;

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const o = e as {
      code?: unknown;
      sqlState?: unknown;
      driverError?: unknown;
      cause?: unknown;
      originalError?: unknown;
      thrownValue?: unknown;
      errors?: unknown;
    };
    if (typeof o.code === "string" && UNAVAILABLE_CODES.has(o.code)) return true;
    if (typeof o.sqlState === "string" && CONNECTION_SQLSTATE.test(o.sqlState)) return true;
    // AggregateError from a dual-stack connect attempt: unavailable if all attempts were refused.
    if (Array.isArray(o.errors) && o.errors.length > 0 && o.errors.every((x) => isDatabaseUnavailable(x)))
      return true;
    // TypeORM: driverError; Node: cause; GraphQLError (a resolver's or a plugin's): originalError;
    // graphql-js's NonErrorThrown: thrownValue (mysql2's pool rejects a refused connection with a
    // plain object, not an Error).
    e = o.driverError ?? o.cause ?? o.originalError ?? o.thrownValue;
  }
  return false;
}
