import type { GraphQLResolveInfo } from "graphql";
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { User, UserStatus } from "../auth/user.entity";
import { type Context, requireViewer } from "../shared/context";
import { NotFoundError } from "../shared/errors";
import { decodeId } from "../shared/ids";
import { loadById } from "../shared/loaders";
import { ConnectionArgs, selects } from "../shared/pagination";
import { Role } from "../shared/roles";
import { createUser } from "./commands/create-user.command";
import { disableUser, enableUser } from "./commands/disable-user.command";
import { setUserRoles } from "./commands/set-user-roles.command";
import { CreateUserInput, UserFilter } from "./user.inputs";
import { rolesByUser, unitPathByOrg, visibleUserById } from "./user.loaders";
import { listUsers } from "./user.queries";
import { UserPermissions, userPermissions } from "./user.policy";
import { CreateUserPayload, UpdateUserPayload, UserConnection } from "./user.types";

@Authorized()
@Resolver(() => User)
export class UserResolver {
  @Query(() => User, {
    description: "One user by ID. NOT_FOUND when there is none or it is outside your scope.",
  })
  async user(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<User> {
    const user = await loadById(ctx, visibleUserById, decodeId("User", id));
    if (!user) throw new NotFoundError("User");
    return user;
  }

  @Query(() => UserConnection, {
    description:
      "Users you may see, by e-mail: everyone for an administrator, your territory for a coordinator, yourself otherwise.",
  })
  users(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => UserFilter, { nullable: true }) filter: UserFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UserConnection> {
    return listUsers(ctx, page, filter, selects(info, "totalCount"));
  }

  @Mutation(() => CreateUserPayload, { description: "Create a user in an organization you manage." })
  createUser(
    @Arg("input", () => CreateUserInput) input: CreateUserInput,
    @Ctx() ctx: Context,
  ): Promise<CreateUserPayload> {
    return createUser(ctx, input);
  }

  @Mutation(() => UpdateUserPayload, {
    description:
      "Disable a user: they can no longer sign in and all their sessions end. CONFLICT on a stale version.",
  })
  disableUser(
    @Arg("id", () => ID) id: string,
    @Arg("version", () => Int) version: number,
    @Ctx() ctx: Context,
  ): Promise<UpdateUserPayload> {
    return disableUser(ctx, { id, version });
  }

  @Mutation(() => UpdateUserPayload, {
    description: "Re-enable a disabled user. CONFLICT on a stale version.",
  })
  enableUser(
    @Arg("id", () => ID) id: string,
    @Arg("version", () => Int) version: number,
    @Ctx() ctx: Context,
  ): Promise<UpdateUserPayload> {
    return enableUser(ctx, { id, version });
  }

  @Mutation(() => UpdateUserPayload, {
    description: "Replace a user's roles with `roles` (at least one). CONFLICT on a stale version.",
  })
  setUserRoles(
    @Arg("id", () => ID) id: string,
    @Arg("roles", () => [Role]) roles: Role[],
    @Arg("version", () => Int) version: number,
    @Ctx() ctx: Context,
  ): Promise<UpdateUserPayload> {
    return setUserRoles(ctx, { id, roles, version });
  }

  @FieldResolver(() => [Role])
  roles(@Root() user: User, @Ctx() ctx: Context): Promise<Role[]> {
    return ctx.loaders.get(rolesByUser).load(user.id);
  }

  @FieldResolver(() => UserStatus)
  status(@Root() user: User): UserStatus {
    return user.status;
  }

  @FieldResolver(() => Int, { description: "Increases with every change; send it back with a change." })
  version(@Root() user: User): number {
    return user.version;
  }

  @FieldResolver(() => UserPermissions)
  async viewerCan(@Root() user: User, @Ctx() ctx: Context): Promise<UserPermissions> {
    const viewer = requireViewer(ctx);
    const [orgUnitPath, roles] = await Promise.all([
      ctx.loaders.get(unitPathByOrg).load(user.orgId),
      ctx.loaders.get(rolesByUser).load(user.id),
    ]);
    if (orgUnitPath === null) return { update: false, disable: false, changeRoles: false };
    return userPermissions(viewer, { userId: user.id, orgUnitPath, roles });
  }
}
