import { Authorized, Int, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { type Context, requireViewer } from "../shared/context";
import { DomainError, ErrorCode } from "../shared/errors";
import type { LiveNotificationHub } from "../shared/live";
import { Notification } from "./notification.entity";
import { ownNotifications, unreadCount } from "./notification.store";

type SubscribeData = SubscribeResolverData<unknown, Record<string, never>, Context>;

function hubOf(ctx: Context): LiveNotificationHub {
  if (!ctx.live)
    throw new DomainError(
      "Subscriptions are served over WebSocket (graphql-ws) at /graphql",
      ErrorCode.BAD_USER_INPUT,
    );
  return ctx.live;
}

/** The viewer's new notifications, read from MariaDB as each event arrives (only their own). */
function notificationsAdded({ context }: SubscribeData): Promise<AsyncIterableIterator<Notification>> {
  const userId = requireViewer(context).userId;
  return hubOf(context).subscribe(userId, {
    async map(event) {
      if (event.type !== "added") return undefined;
      const [n] = await ownNotifications(context.ds.manager, userId, [event.notificationId]);
      return n;
    },
  });
}

/** The viewer's unread count: the current one first, then each new value (never the same twice). */
function unreadCounts({ context }: SubscribeData): Promise<AsyncIterableIterator<number>> {
  const userId = requireViewer(context).userId;
  let last: number | null = null;
  const changed = async () => {
    const count = await unreadCount(context.ds, userId);
    if (count === last) return undefined;
    last = count;
    return count;
  };
  return hubOf(context).subscribe(userId, { initial: changed, map: changed });
}

/**
 * Live notifications over graphql-ws (src/app/subscriptions.ts): each stream carries only the
 * signed-in user's own notifications, published by the reminders worker after its commit.
 */
@Authorized()
@Resolver()
export class NotificationLiveResolver {
  @Subscription(() => Notification, {
    subscribe: notificationsAdded,
    description: "Each new notification of yours, as it is delivered (graphql-ws at /graphql).",
  })
  notificationAdded(@Root() notification: Notification): Notification {
    return notification;
  }

  @Subscription(() => Int, {
    subscribe: unreadCounts,
    description:
      "How many of your notifications are unread: the current count first, then each change (new notification, marked read).",
  })
  unreadNotificationCount(@Root() count: number): number {
    return count;
  }
}
