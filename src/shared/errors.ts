import { GraphQLError } from "graphql";

/** The stable error codes a client may see in `extensions.code` or in `userErrors[].code`. */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  CONFLICT: "CONFLICT",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /** A service the request needs (the database) does not answer; retry shortly. */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error we raise on purpose; its message is safe to show a client. */
export class DomainError extends GraphQLError {
  constructor(
    message: string,
    public readonly code: ErrorCode,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
    this.name = "DomainError";
  }
}

export class NotFoundError extends DomainError {
  constructor(what = "Object") {
    super(`${what} not found`, ErrorCode.NOT_FOUND);
  }
}

export class BadInputError extends DomainError {
  constructor(message: string, field?: string) {
    super(message, ErrorCode.BAD_USER_INPUT, field ? { field } : {});
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, ErrorCode.CONFLICT, extra);
  }
}
