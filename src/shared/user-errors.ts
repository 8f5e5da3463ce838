import { Field, ObjectType } from "type-graphql";

/** An input problem reported in a mutation's payload (Shopify-style), with a stable code. */
@ObjectType({ description: "A problem with a mutation's input; nothing was changed." })
export class UserError {
  @Field(() => [String], {
    description: "Path to the input field, e.g. ['input', 'email']; empty for the whole input.",
  })
  field!: string[];

  @Field()
  message!: string;

  @Field({
    description: "Stable code, e.g. INVALID_CREDENTIALS, EMAIL_TAKEN, WEAK_PASSWORD, NOT_FOUND, CONFLICT.",
  })
  code!: string;
}

export function userError(code: string, message: string, field: string[] = []): UserError {
  return { code, message, field };
}

/** The CONFLICT a stale write gets, naming the current version so the client can reload. */
export function conflictError(
  what: string,
  current: number,
  field: string[] = ["input", "version"],
): UserError {
  return userError(
    "CONFLICT",
    `The ${what} was changed by someone else (version is now ${current}); reload and try again`,
    field,
  );
}
