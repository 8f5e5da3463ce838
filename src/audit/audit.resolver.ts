import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import { User } from "../auth/user.entity";
import type { Context } from "../shared/context";
import { NotFoundError } from "../shared/errors";
import { decodeId, NODE_TYPES, type NodeType, toGlobalId } from "../shared/ids";
import { loadById } from "../shared/loaders";
import { Connection, ConnectionArgs, selects } from "../shared/pagination";
import { visibleUserById } from "../users/user.loaders";
import { AuditEntry } from "./audit-entry.entity";
import { AuditFilter } from "./audit.inputs";
import { visibleAuditEntryById } from "./audit.loaders";
import { listAuditEntries } from "./audit.queries";

export const AuditEntryConnection = Connection("AuditEntry", AuditEntry);
type AuditEntryConnection = InstanceType<typeof AuditEntryConnection>;

function isNodeType(type: string): type is NodeType {
  return (NODE_TYPES as readonly string[]).includes(type);
}

@Authorized()
@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description:
      "The audit log, newest first: everything for an administrator, your territory for a coordinator. FORBIDDEN for other roles.",
  })
  auditEntries(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => AuditFilter, { nullable: true }) filter: AuditFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AuditEntryConnection> {
    return listAuditEntries(ctx, page, filter, selects(info, "totalCount"));
  }

  @Query(() => AuditEntry, {
    description: "One audit entry. NOT_FOUND when there is none or it is outside your scope.",
  })
  async auditEntry(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<AuditEntry> {
    const entry = await loadById(ctx, visibleAuditEntryById, decodeId("AuditEntry", id));
    if (!entry) throw new NotFoundError("AuditEntry");
    return entry;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description:
      "Who made the change; null for the system, or when that user is outside your scope (see actorEmail).",
  })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: Context): Promise<User | null> {
    return loadById(ctx, visibleUserById, entry.actorUserId);
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: "Global ID of the object changed (of type objectType); null when it has none.",
  })
  objectId(@Root() entry: AuditEntry): string | null {
    if (entry.objectId === null || !isNodeType(entry.objectType)) return null;
    return toGlobalId(entry.objectType, entry.objectId);
  }
}
