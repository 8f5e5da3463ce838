import { byForeignKeyLoader, byIdLoader } from "../shared/loaders";
import { PlanTarget, TargetQuota } from "./plan-target.entity";
import { Plan } from "./plan.entity";
import { RoadmapEntry } from "./roadmap-entry.entity";
import { TaskGroup } from "./task-group.entity";

export const planById = byIdLoader(Plan);
export const targetById = byIdLoader(PlanTarget);
export const targetsByPlan = byForeignKeyLoader(PlanTarget, "planId", { ord: "ASC", id: "ASC" });
export const quotasByTarget = byForeignKeyLoader(TargetQuota, "targetId", { unitId: "ASC" });
export const groupById = byIdLoader(TaskGroup);
export const groupsByPlan = byForeignKeyLoader(TaskGroup, "planId", { ord: "ASC" });
export const roadmapEntryById = byIdLoader(RoadmapEntry);
export const roadmapByPlan = byForeignKeyLoader(RoadmapEntry, "planId", { level: "ASC", id: "ASC" });
