import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { ArgumentValidationError } from "type-graphql";
import type { ValidationError } from "class-validator";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "../db/unavailable";
import { DomainError, ErrorCode } from "../shared/errors";
import type { Logger } from "../shared/logger";

/** The error codes graphql-js and Apollo raise before any resolver runs; their messages are about the query. */
const REQUEST_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

function flatten(errors: ValidationError[], prefix = ""): Array<{ field: string; message: string }> {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Masks every error a client sees: domain errors and request errors keep their message and
 * code; anything else (SQL, driver, bugs) becomes INTERNAL_SERVER_ERROR and is logged, never shown.
 */
export function createErrorFormatter(logger: Logger, opts: { hideSuggestions: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };

    if (original instanceof DomainError) {
      // `http` sets the response status (401 for UNAUTHENTICATED); it is not for the client's eyes.
      const { http: _http, ...extensions } = original.extensions;
      return { ...base, message: original.message, extensions };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = flatten(original.extensions.validationErrors as ValidationError[]);
      return {
        ...base,
        message: fields.map((f) => f.message).join("; ") || "Invalid argument",
        extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && REQUEST_ERROR_CODES.has(code)) {
      const message = opts.hideSuggestions
        ? formatted.message.replace(/ ?Did you mean .*$/s, "").replace(/ ?\[Suggestion hidden\]\??$/, "")
        : formatted.message;
      return { ...base, message, extensions: { code } };
    }
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: (original as Error).message }, "the database did not answer a GraphQL request");
      const unavailable = new DatabaseUnavailableError();
      return { ...base, message: unavailable.message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    logger.error({ err: original }, "unexpected error in a GraphQL request");
    return {
      ...base,
      message: "Internal server error",
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
