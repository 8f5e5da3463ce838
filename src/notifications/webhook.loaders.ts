import DataLoader from "dataloader";
import type { Context } from "../shared/context";
import type { WebhookDelivery, WebhookSubscription } from "./webhook.entity";
import { manageableDeliveries, manageableSubscriptions } from "./webhook.store";

/** Subscriptions by id, only those the viewer manages: any other looks missing. */
export const manageableSubscriptionById = (ctx: Context) =>
  new DataLoader<number, WebhookSubscription | null>(async (ids) => {
    if (!ctx.viewer) return ids.map(() => null);
    const rows = await manageableSubscriptions(ctx.ds.manager, ctx.viewer)
      .andWhere("s.id IN (:...whIds)", { whIds: [...ids] })
      .getMany();
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });

/** Deliveries by id, only those of subscriptions the viewer manages. */
export const manageableDeliveryById = (ctx: Context) =>
  new DataLoader<number, WebhookDelivery | null>(async (ids) => {
    if (!ctx.viewer) return ids.map(() => null);
    const rows = await manageableDeliveries(ctx.ds.manager, ctx.viewer)
      .andWhere("d.id IN (:...whIds)", { whIds: [...ids] })
      .getMany();
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
