import DataLoader from "dataloader";
import type { ObjectLiteral } from "typeorm";
import type { Context } from "../shared/context";
import { byIdLoader } from "../shared/loaders";
import { Organization } from "../organizations/organization.entity";
import { Unit } from "../units/unit.entity";
import { Task, TaskCooperator, TaskUnit } from "./task.entity";
import { visibleTasks } from "./task.queries";

/** Any task by id, whoever asks: for policy facts only, never returned to a client as is. */
export const taskRowById = byIdLoader(Task);

/** Tasks by id within the viewer's scope: one not visible is the same as one missing. */
export const taskById = (ctx: Context) =>
  new DataLoader<number, Task | null>(
    async (ids) => {
      const rows = await visibleTasks(ctx)
        .andWhere("t.id IN (:...ids)", { ids: [...ids] })
        .getMany();
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    },
    { maxBatchSize: 1000 },
  );

/** Visible sub-tasks by parent, least time left first. */
export const tasksByParent = (ctx: Context) =>
  new DataLoader<number, Task[]>(
    async (parentIds) => {
      const rows = await visibleTasks(ctx)
        .andWhere("t.parent_id IN (:...parentIds)", { parentIds: [...parentIds] })
        .orderBy("COALESCE(t.due_date, '9999-12-31')", "ASC")
        .addOrderBy("t.id", "ASC")
        .getMany();
      const groups = new Map<number, Task[]>();
      for (const r of rows)
        groups.set(r.parentId as number, [...(groups.get(r.parentId as number) ?? []), r]);
      return parentIds.map((id) => groups.get(id) ?? []);
    },
    { maxBatchSize: 1000 },
  );

/**
 * Rows of `entity` linked to tasks through a join table, in one statement per tick:
 * SELECT e.*, j.task_id FROM entity e JOIN join_table j ON j.<fk> = e.id WHERE j.task_id IN (...).
 */
function linkedByTask<T extends ObjectLiteral & { id: number }>(
  entity: { new (): T },
  join: typeof TaskCooperator | typeof TaskUnit,
  fk: "org_id" | "unit_id",
  orderBy: string,
) {
  return (ctx: Context) =>
    new DataLoader<number, T[]>(
      async (taskIds) => {
        const { entities, raw } = await ctx.ds
          .getRepository(entity)
          .createQueryBuilder("e")
          .innerJoin(join, "j", `j.${fk} = e.id`)
          .addSelect("j.task_id", "link_task_id")
          .where("j.task_id IN (:...taskIds)", { taskIds: [...taskIds] })
          .orderBy(orderBy, "ASC")
          .addOrderBy("e.id", "ASC")
          .getRawAndEntities<{ link_task_id: number; e_id: number }>();
        const byId = new Map(entities.map((e) => [e.id, e]));
        const groups = new Map<number, T[]>();
        for (const r of raw) {
          const e = byId.get(Number(r.e_id));
          if (!e) continue;
          const list = groups.get(Number(r.link_task_id)) ?? [];
          list.push(e);
          groups.set(Number(r.link_task_id), list);
        }
        return taskIds.map((id) => groups.get(id) ?? []);
      },
      { maxBatchSize: 1000 },
    );
}

export const cooperatorsByTask = linkedByTask(Organization, TaskCooperator, "org_id", "e.name_folded");
export const unitsByTask = linkedByTask(Unit, TaskUnit, "unit_id", "e.path");
