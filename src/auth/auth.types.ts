import { Field, ObjectType } from "type-graphql";
import { Organization } from "../organizations/organization.entity";
import { Role } from "../shared/roles";
import { UserError } from "../shared/user-errors";
import { Unit } from "../units/unit.entity";
import { User } from "./user.entity";

@ObjectType({ description: "The signed-in user, their organization, roles and scope." })
export class Me {
  @Field(() => User)
  user!: User;

  @Field(() => Organization)
  organization!: Organization;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => Unit, { description: "The root of the viewer's scope in the administrative tree." })
  scope!: Unit;
}

@ObjectType({
  description: "Tokens for a session. Send the access token as 'Authorization: Bearer <token>'.",
})
export class AuthTokens {
  @Field({ description: "Short-lived access token (JWT, at most 15 minutes)." })
  accessToken!: string;

  @Field(() => Date)
  accessTokenExpiresAt!: Date;

  @Field({ description: "Opaque refresh token; each use returns a new one and retires the old." })
  refreshToken!: string;

  @Field(() => Date)
  refreshTokenExpiresAt!: Date;
}

@ObjectType()
export class AuthPayload {
  @Field(() => AuthTokens, { nullable: true, description: "Null when userErrors is not empty." })
  tokens!: AuthTokens | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class LogoutPayload {
  @Field({ description: "Number of sessions ended." })
  sessionsEnded!: number;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
