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
