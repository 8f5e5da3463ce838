import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Decimal } from "../shared/scalars";
import { TaskStatus } from "../tasks/task.enums";

export enum ProgressMethod {
  /** Children weighted by their quotas (60 villages split 12/8/...): Σ progress × quota / Σ quota. */
  QUOTA_WEIGHTED = "quota_weighted",
  /** Children counted equally. */
  MEAN = "mean",
  /** No running children: the task's own reported progress. */
  OWN = "own",
}
registerEnumType(ProgressMethod, { name: "ProgressMethod" });

export interface ChildProgress {
  id: number;
  quota: string | null;
  progress: string;
  status: TaskStatus;
}

export interface ProgressPart {
  id: number;
  weight: number;
  percent: number;
  contribution: number;
}

/** How a parent's percent follows its children (cancelled children left out). Pure; 2 decimals. */
export function parentProgress(
  children: readonly ChildProgress[],
): { method: ProgressMethod; percent: number; parts: ProgressPart[] } | null {
  const live = children.filter((c) => c.status !== TaskStatus.CANCELLED);
  if (live.length === 0) return null;
  const quotas = live.map((c) => (c.quota === null ? 0 : Number(c.quota)));
  const weighted = quotas.every((q) => q > 0);
  const total = weighted ? quotas.reduce((a, b) => a + b, 0) : live.length;
  const parts = live.map((c, i) => {
    const weight = (weighted ? quotas[i] : 1) / total;
    const percent = Number(c.progress);
    return { id: c.id, weight, percent, contribution: weight * percent };
  });
  const percent = Math.round(parts.reduce((a, p) => a + p.contribution, 0) * 100) / 100;
  return {
    method: weighted ? ProgressMethod.QUOTA_WEIGHTED : ProgressMethod.MEAN,
    percent: Math.min(100, percent),
    parts,
  };
}

@ObjectType({ description: "One child's share in its parent's percent." })
export class ProgressPartView {
  @Field(() => String, {
    description: "Global ID of the sub-task (readable through task(id:) if in your scope).",
  })
  taskId!: string;

  @Field(() => Decimal, { description: "Its weight, 0–1." })
  weight!: string;

  @Field(() => Decimal)
  percent!: string;

  @Field(() => Decimal, { description: "weight × percent." })
  contribution!: string;
}

@ObjectType({ description: "How a task's percent was computed." })
export class ProgressExplanation {
  @Field(() => ProgressMethod)
  method!: ProgressMethod;

  @Field(() => Decimal)
  percent!: string;

  @Field(() => [ProgressPartView])
  parts!: ProgressPartView[];
}
