import { GraphQLError, locatedError } from "graphql";
import { isDatabaseUnavailable } from "../../src/db/unavailable";

/** What counts as "the database is not answering" (SERVICE_UNAVAILABLE) rather than a bug. */
describe("isDatabaseUnavailable", () => {
  const refused = { errno: -111, code: "ECONNREFUSED", syscall: "connect", fatal: true };
  it.each<[string, unknown, boolean]>([
    ["a driver error", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), true],
    ["TypeORM's wrapper of one", Object.assign(new Error("query failed"), { driverError: refused }), true],
    ["a connection SQLSTATE", Object.assign(new Error("x"), { sqlState: "08S01" }), true],
    // mysql2's pool rejects a refused connection with a plain object; graphql-js wraps it.
    ["a plain object thrown in a resolver", locatedError(refused, undefined, ["me"]), true],
    [
      "a resolver's Error",
      new GraphQLError("x", { originalError: Object.assign(new Error(), refused) }),
      true,
    ],
    ["a bad statement", Object.assign(new Error("x"), { code: "ER_PARSE_ERROR", sqlState: "42000" }), false],
    ["a bug", new TypeError("undefined is not a function"), false],
    ["a plain object without a code", locatedError({ oops: true }, undefined, ["me"]), false],
  ])("%s", (_name, err, expected) => {
    expect(isDatabaseUnavailable(err)).toBe(expected);
  });
});
