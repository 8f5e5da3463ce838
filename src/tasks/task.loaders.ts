import DataLoader from "dataloader";
import type { ObjectLiteral } from "typeorm";
import type { Context } from "../shared/context";
import { byForeignKeyLoader, byIdLoader } from "../shared/loaders";
import { Organization } from "../organizations/organization.entity";
import { Unit } from "../units/unit.entity";
import { Task, TaskCooperator, TaskUnit } from "./task.entity";

export const taskById = byIdLoader(Task);
export const tasksByParent = byForeignKeyLoader(Task, "parentId", { dueDate: "ASC", id: "ASC" });

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
