import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, ID, Info, Int, Mutation, Query, Resolver } from "type-graphql";
import { type Context, requireViewer } from "../shared/context";
import { ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { markNotificationsRead } from "./commands/mark-notifications-read.command";
import type { Notification } from "./notification.entity";
import { notificationsOf, unreadCount } from "./notification.store";
import { MarkNotificationsReadPayload, NotificationConnection } from "./notification.types";

const NEWEST_FIRST: SortSpec<Notification> = {
  name: "newest",
  direction: "DESC",
  keys: [{ sql: "n.id", value: (n) => n.id }],
};

/** The signed-in user's own notifications: nobody reads or marks anyone else's. */
@Authorized()
@Resolver()
export class NotificationResolver {
  @Query(() => NotificationConnection, { description: "Your notifications, newest first." })
  notifications(
    @Args() page: ConnectionArgs,
    @Arg("unreadOnly", () => Boolean, { defaultValue: false, description: "Only those not read yet." })
    unreadOnly: boolean,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<NotificationConnection> {
    const viewer = requireViewer(ctx);
    return paginate(
      notificationsOf(ctx.ds, viewer.userId, unreadOnly),
      NEWEST_FIRST,
      page,
      selects(info, "totalCount"),
    );
  }

  @Query(() => Int, { description: "How many of your notifications are unread." })
  unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return unreadCount(ctx.ds, requireViewer(ctx).userId);
  }

  @Mutation(() => MarkNotificationsReadPayload, {
    description: "Mark some of your notifications read (1 to 100); all or nothing.",
  })
  markNotificationsRead(
    @Arg("ids", () => [ID]) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<MarkNotificationsReadPayload> {
    return markNotificationsRead(ctx, ids);
  }
}
