import { IsOptional, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { UserStatus } from "../auth/user.entity";
import { Role } from "../shared/roles";

@InputType({ description: "A new user. Problems come back as userErrors; nothing is written then." })
export class CreateUserInput {
  @Field({ description: "Sign-in e-mail; stored in lower case and unique." })
  email!: string;

  @Field({ description: "Full name as shown to colleagues." })
  displayName!: string;

  @Field(() => ID, { description: "The organization the user works for; it gives them their scope." })
  organizationId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Initial password (at least 12 characters, not an obvious one). Omit for an account that signs in only through the province's identity provider.",
  })
  password?: string | null;

  @Field(() => [Role], { description: "At least one role." })
  roles!: Role[];
}

@InputType({ description: "Filters for users; all given filters must match." })
export class UserFilter {
  @Field(() => ID, { nullable: true, description: "Users of this organization." })
  organizationId?: string | null;

  @Field(() => String, { nullable: true, description: "Part of the e-mail or the name." })
  @IsOptional()
  @Length(1, 100, { message: "search must be 1 to 100 characters" })
  search?: string | null;

  @Field(() => UserStatus, { nullable: true })
  status?: UserStatus | null;

  @Field(() => Role, { nullable: true, description: "Users holding this role." })
  role?: Role | null;
}
