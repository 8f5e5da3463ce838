import DataLoader from "dataloader";
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Me } from "../../auth/auth.types";
import { User } from "../../auth/user.entity";
import { type Context, requireViewer } from "../../shared/context";
import { unitPathByOrg } from "../../users/user.loaders";
import { canManageNotificationPreferences } from "../../users/user.policy";
import { NotificationPreferences } from "./notification-preferences.entity";
import { preferencesFromRow } from "./preferences";
import {
  NotificationPreferencesPayload,
  NotificationPreferencesView,
  preferencesView,
  UpdateNotificationPreferencesInput,
} from "./preferences.types";
import { updateNotificationPreferences } from "./update-notification-preferences.command";

/** The preferences of the users of one request (the defaults, version 0, for users without a row). */
export const preferencesByUser = (ctx: Context) =>
  new DataLoader<number, NotificationPreferencesView>(
    async (ids) => {
      const rows = await ctx.ds
        .getRepository(NotificationPreferences)
        .createQueryBuilder("p")
        .where("p.user_id IN (:...ids)", { ids: [...ids] })
        .getMany();
      const byUser = new Map(rows.map((r) => [r.userId, r]));
      return ids.map((id) => {
        const r = byUser.get(id);
        return preferencesView(preferencesFromRow(r), r?.version ?? 0, ctx.timeZone);
      });
    },
    { maxBatchSize: 1000 },
  );

@Authorized()
@Resolver(() => Me)
export class MeNotificationPreferencesResolver {
  @FieldResolver(() => NotificationPreferencesView, {
    description: "Your reminder e-mail settings: channels, daily digest, quiet hours.",
  })
  notificationPreferences(@Root() me: Me, @Ctx() ctx: Context): Promise<NotificationPreferencesView> {
    return ctx.loaders.get(preferencesByUser).load(me.userId);
  }
}

@Authorized()
@Resolver(() => User)
export class UserNotificationPreferencesResolver {
  @FieldResolver(() => NotificationPreferencesView, {
    nullable: true,
    description:
      "The user's reminder e-mail settings: yours, or anyone's for a system administrator; null otherwise.",
  })
  async notificationPreferences(
    @Root() user: User,
    @Ctx() ctx: Context,
  ): Promise<NotificationPreferencesView | null> {
    const viewer = requireViewer(ctx);
    const orgUnitPath = await ctx.loaders.get(unitPathByOrg).load(user.orgId);
    if (orgUnitPath === null || !canManageNotificationPreferences(viewer, { userId: user.id, orgUnitPath }))
      return null;
    return ctx.loaders.get(preferencesByUser).load(user.id);
  }
}

@Authorized()
@Resolver()
export class NotificationPreferencesMutations {
  @Mutation(() => NotificationPreferencesPayload, {
    description:
      "Set your notification preferences (or, for a system administrator, another user's). CONFLICT on a stale version.",
  })
  updateNotificationPreferences(
    @Arg("input", () => UpdateNotificationPreferencesInput) input: UpdateNotificationPreferencesInput,
    @Ctx() ctx: Context,
  ): Promise<NotificationPreferencesPayload> {
    return updateNotificationPreferences(ctx, input);
  }
}

export const PREFERENCE_RESOLVERS = [
  MeNotificationPreferencesResolver,
  UserNotificationPreferencesResolver,
  NotificationPreferencesMutations,
] as const;
