import { IsEmail, Length } from "class-validator";
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  InputType,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import type { Context } from "../shared/context";
import { loadRequired } from "../shared/loaders";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { AuthPayload, LogoutPayload, Me } from "./auth.types";
import { AuthenticationError } from "./authenticate";
import { login } from "./commands/login.command";
import { logout } from "./commands/logout.command";
import { refreshSession } from "./commands/refresh.command";
import { User } from "./user.entity";
import { userById } from "./user.loaders";

@InputType()
export class LoginInput {
  @Field()
  @IsEmail({}, { message: "email must be an e-mail address" })
  @Length(3, 254, { message: "email must be at most 254 characters" })
  email!: string;

  @Field()
  @Length(1, 128, { message: "password must be 1 to 128 characters" })
  password!: string;
}

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: "Sign in with e-mail and password." })
  login(@Arg("input", () => LoginInput) input: LoginInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return login(ctx, input);
  }

  @Mutation(() => AuthPayload, {
    description: "Trade a refresh token for new tokens (the old refresh token stops working).",
  })
  refreshToken(@Arg("refreshToken") refreshToken: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return refreshSession(ctx, refreshToken);
  }

  @Authorized()
  @Mutation(() => LogoutPayload, { description: "End this session, or every session of the viewer." })
  logout(
    @Arg("allSessions", { defaultValue: false }) allSessions: boolean,
    @Ctx() ctx: Context,
  ): Promise<LogoutPayload> {
    if (!ctx.viewer) throw new AuthenticationError();
    return logout(ctx, ctx.viewer, allSessions);
  }

  @Authorized()
  @Query(() => Me, { description: "The signed-in user, their organization, roles and scope." })
  me(@Ctx() ctx: Context): Me {
    const viewer = ctx.viewer;
    if (!viewer) throw new AuthenticationError();
    return {
      userId: viewer.userId,
      orgId: viewer.orgId,
      unitId: viewer.unitId,
      roles: [...viewer.roles].sort(),
    };
  }
}

/** Me's relations, each read only when asked for (batched with the request's other reads). */
@Resolver(() => Me)
export class MeResolver {
  @FieldResolver(() => User)
  user(@Root() me: Me, @Ctx() ctx: Context): Promise<User> {
    return loadRequired(ctx, userById, me.userId, "User");
  }

  @FieldResolver(() => Organization)
  organization(@Root() me: Me, @Ctx() ctx: Context): Promise<Organization> {
    return loadRequired(ctx, organizationById, me.orgId, "Organization");
  }

  @FieldResolver(() => Unit, { description: "The root of the viewer's scope in the administrative tree." })
  scope(@Root() me: Me, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, me.unitId, "Unit");
  }
}

@Resolver(() => User)
export class UserFieldsResolver {
  @FieldResolver(() => Organization)
  organization(@Root() user: User, @Ctx() ctx: Context): Promise<Organization> {
    return loadRequired(ctx, organizationById, user.orgId, "Organization");
  }
}
