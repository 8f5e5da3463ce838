import { Field, ObjectType } from "type-graphql";
import { Role } from "../shared/roles";
import { UserError } from "../shared/user-errors";

/**
 * The signed-in user. The root field answers from the viewer alone; `user`, `organization` and
 * `scope` are field resolvers (auth.resolver.ts MeResolver), so a portal asking only for
 * `me { notificationPreferences }` reads no user, organization or unit row.
 */
@ObjectType({ description: "The signed-in user, their organization, roles and scope." })
export class Me {
  userId!: number;
  orgId!: number;
  unitId!: number;

  @Field(() => [Role])
  roles!: Role[];
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
