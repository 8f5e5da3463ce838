import DataLoader from "dataloader";
import { In } from "typeorm";
import type { Context } from "../shared/context";
import { Notification } from "./notification.entity";

/** Notifications by id, only the viewer's own: anyone else's looks missing. One statement per tick. */
export const ownNotificationById = (ctx: Context) =>
  new DataLoader<number, Notification | null>(
    async (ids) => {
      const userId = ctx.viewer?.userId;
      if (userId === undefined) return ids.map(() => null);
      const rows = await ctx.ds.getRepository(Notification).findBy({ id: In([...ids]), userId });
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    },
    { maxBatchSize: 1000 },
  );
