import DataLoader from "dataloader";
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Plan } from "../plans/plan.entity";
import type { Context } from "../shared/context";
import {
  ladderView,
  ReminderLadderPayload,
  ReminderLadderView,
  SetReminderLadderInput,
  setReminderLadder,
} from "./commands/set-reminder-ladder.command";
import { ladderFromSettings } from "./reminder.store";
import { PlanReminderSettings } from "./reminder-settings.entity";

/** The ladders of the plans of one request: one query per tick. */
export const ladderByPlan = (ctx: Context) =>
  new DataLoader<number, ReminderLadderView>(
    async (ids) => {
      const rows = await ctx.ds
        .getRepository(PlanReminderSettings)
        .createQueryBuilder("s")
        .where("s.plan_id IN (:...ids)", { ids: [...ids] })
        .getMany();
      const byPlan = new Map(rows.map((r) => [r.planId, r]));
      return ids.map((id) => {
        const s = byPlan.get(id);
        return ladderView(ladderFromSettings(s), s === undefined);
      });
    },
    { maxBatchSize: 1000 },
  );

@Authorized()
@Resolver(() => Plan)
export class PlanReminderLadderResolver {
  @FieldResolver(() => ReminderLadderView, {
    description: "When the plan's work gets deadline reminders (the default ladder when it has none).",
  })
  reminderLadder(@Root() plan: Plan, @Ctx() ctx: Context): Promise<ReminderLadderView> {
    return ctx.loaders.get(ladderByPlan).load(plan.id);
  }
}

@Authorized()
@Resolver()
export class ReminderMutations {
  @Mutation(() => ReminderLadderPayload, {
    description: "Set a plan's reminder ladder (thang nhắc việc); the plan's coordinators only.",
  })
  setReminderLadder(
    @Arg("input", () => SetReminderLadderInput) input: SetReminderLadderInput,
    @Ctx() ctx: Context,
  ): Promise<ReminderLadderPayload> {
    return setReminderLadder(ctx, input);
  }
}

export const REMINDER_RESOLVERS = [PlanReminderLadderResolver, ReminderMutations] as const;
