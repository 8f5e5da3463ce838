import { Column, Entity, ForeignKey, PrimaryColumn, type ValueTransformer } from "typeorm";
import { UpdatedAt } from "../shared/columns";
import { DEFAULT_LADDER } from "./ladder";

/** "7,3,1" in the database, [7, 3, 1] in code. */
const intList: ValueTransformer = {
  to: (v: readonly number[] | undefined) => (v === undefined ? v : v.join(",")),
  from: (v: string | null) =>
    v === null || v === ""
      ? []
      : v
          .split(",")
          .map((x) => Number(x.trim()))
          .filter((n) => Number.isFinite(n)),
};

/**
 * A plan's own reminder ladder (see ladder.ts). A plan without a row uses DEFAULT_LADDER.
 */
@Entity("plan_reminder_settings")
export class PlanReminderSettings {
  @ForeignKey("Plan", { onDelete: "CASCADE" })
  @PrimaryColumn({ name: "plan_id", type: "int", unsigned: true })
  planId!: number;

  /** Working days before the due date, e.g. [7, 3, 1]. */
  @Column({
    name: "days_before",
    type: "varchar",
    length: 64,
    default: DEFAULT_LADDER.daysBefore.join(","),
    transformer: intList,
  })
  daysBefore!: number[];

  @Column({ name: "on_due_date", type: "boolean", default: DEFAULT_LADDER.onDueDate })
  onDueDate!: boolean;

  /** 0: no reminders while overdue. */
  @Column({
    name: "overdue_every_working_days",
    type: "smallint",
    unsigned: true,
    default: DEFAULT_LADDER.overdueEveryWorkingDays,
  })
  overdueEveryWorkingDays!: number;

  /** 0: no escalation. */
  @Column({
    name: "escalate_after_working_days",
    type: "smallint",
    unsigned: true,
    default: DEFAULT_LADDER.escalateAfterWorkingDays,
  })
  escalateAfterWorkingDays!: number;

  @Column({ name: "local_hour", type: "tinyint", unsigned: true, default: DEFAULT_LADDER.localHour })
  localHour!: number;

  @UpdatedAt()
  updatedAt!: Date;
}
