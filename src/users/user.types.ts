import { Field, ObjectType, registerEnumType } from "type-graphql";
import { User, UserStatus } from "../auth/user.entity";
import { Connection } from "../shared/pagination";
import { UserError } from "../shared/user-errors";

registerEnumType(UserStatus, {
  name: "UserStatus",
  description: "ACTIVE: may sign in; DISABLED: may not, and every session was ended when it was disabled.",
});

export const UserConnection = Connection("User", User);
export type UserConnection = InstanceType<typeof UserConnection>;

@ObjectType()
export class CreateUserPayload {
  @Field(() => User, { nullable: true, description: "The new user; null when userErrors is not empty." })
  user!: User | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class UpdateUserPayload {
  @Field(() => User, {
    nullable: true,
    description: "The user after the change; null when userErrors is not empty.",
  })
  user!: User | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
