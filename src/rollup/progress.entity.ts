import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { DateColumn } from "../shared/columns";

/** Counters shared by the live table and the daily snapshot (all over the unit's subtree). */
const count = (name: string) => Column({ name, type: "int", unsigned: true, default: 0 });
const smallOrNull = (name: string) => Column({ name, type: "smallint", unsigned: true, nullable: true });

/** The figures of one unit, shared by the live table and the daily snapshot. */
export abstract class ProgressFigures {
  @PrimaryColumn({ name: "plan_id", type: "int", unsigned: true })
  planId!: number;

  @PrimaryColumn({ name: "unit_id", type: "int", unsigned: true })
  unitId!: number;

  @Column({ name: "parent_id", type: "int", unsigned: true, nullable: true })
  parentId!: number | null;

  @Column({ type: "tinyint", unsigned: true })
  depth!: number;

  /** The unit's type on the plan's as-of date (Vân Tùng: xã in 2022, thị trấn from 2023). */
  @Column({ name: "unit_type", type: "varchar", length: 16 })
  unitType!: string;

  /** Materialised path of the unit (policies check subtrees on it). */
  @Column({ type: "varchar", length: 255, collation: "ascii_bin", charset: "ascii" })
  path!: string;

  @Column({ type: "varchar", length: 16, nullable: true })
  code!: string | null;

  @Column({ type: "varchar", length: 160 })
  name!: string;

  /** The calendar date the figures describe: today, or 31/12 of the plan year once it is over. */
  @DateColumn("as_of", false)
  asOf!: string;

  /** Criteria met for the plan year, of the set that fits the unit (19 commune, 16 village, 9 district). */
  @smallOrNull("criteria_met")
  criteriaMet!: number | null;

  /** The same at the end of the previous year (the baseline). */
  @smallOrNull("criteria_met_start")
  criteriaMetStart!: number | null;

  @smallOrNull("criteria_total")
  criteriaTotal!: number | null;

  /** One character per criterion in criterion order: '1' met, '0' not met, '-' not assessed. */
  @Column({ name: "criteria_flags", type: "varchar", length: 64, nullable: true, charset: "ascii" })
  criteriaFlags!: string | null;

  /** Highest recognition held: ntm, advanced_ntm, model_ntm, village_ntm, district_ntm, district_completion. */
  @Column({ name: "level_reached", type: "varchar", length: 24, nullable: true })
  levelReached!: string | null;

  @count("communes_ntm") communesNtm!: number;
  @count("communes_ntm_start") communesNtmStart!: number;
  @count("communes_advanced_ntm") communesAdvancedNtm!: number;
  @count("communes_advanced_ntm_start") communesAdvancedNtmStart!: number;
  @count("xa_count") xaCount!: number;
  @count("xa_criteria_sum") xaCriteriaSum!: number;
  @count("communes_gained") communesGained!: number;
  @count("villages_ntm") villagesNtm!: number;
  @count("villages_ntm_start") villagesNtmStart!: number;
  @count("districts_completed") districtsCompleted!: number;

  @count("assignments_total") assignmentsTotal!: number;
  @count("assignments_done") assignmentsDone!: number;
  @count("in_term") inTerm!: number;
  @count("due_soon") dueSoon!: number;
  @count("overdue") overdue!: number;
  @count("done_on_time") doneOnTime!: number;
  @count("done_late") doneLate!: number;
  @count("no_deadline") noDeadline!: number;
}

/**
 * The rolled-up progress of one unit for one plan (src/rollup). Written only by the roll-up
 * (full rebuild or incremental upsert), read by the dashboard: never recounted on request.
 * Counters cover the unit's whole subtree (a commune counts itself, a district its communes).
 */
@Entity("progress_unit")
@Index("ix_progress_unit_parent", ["planId", "parentId", "unitId"])
@Index("ix_progress_unit_depth", ["planId", "depth", "unitId"])
export class ProgressUnit extends ProgressFigures {
  @Column({ name: "computed_at", type: "datetime", precision: 3, default: () => "CURRENT_TIMESTAMP(3)" })
  computedAt!: Date;
}

/** Assignments of one organization for one plan, by timeliness class (its own, not its subtree). */
@Entity("progress_org")
@Index("ix_progress_org_unit", ["planId", "unitId", "orgId"])
export class ProgressOrg {
  @PrimaryColumn({ name: "plan_id", type: "int", unsigned: true })
  planId!: number;

  @PrimaryColumn({ name: "org_id", type: "int", unsigned: true })
  orgId!: number;

  @Column({ name: "unit_id", type: "int", unsigned: true })
  unitId!: number;

  @count("assignments_total") assignmentsTotal!: number;
  @count("assignments_done") assignmentsDone!: number;
  @count("in_term") inTerm!: number;
  @count("due_soon") dueSoon!: number;
  @count("overdue") overdue!: number;
  @count("done_on_time") doneOnTime!: number;
  @count("done_late") doneLate!: number;
  @count("no_deadline") noDeadline!: number;

  @Column({ name: "computed_at", type: "datetime", precision: 3, default: () => "CURRENT_TIMESTAMP(3)" })
  computedAt!: Date;
}

/**
 * The indicators (chỉ tiêu) of the commune criteria set, rolled up per plan (src/rollup) for the
 * districts and the province: a row counts the xã of the unit's subtree whose assessment of the
 * plan year (whatever its stage, as criteria met are counted) recorded a value for the indicator,
 * and those whose value says met (phường and thị trấn are left out, as in the criteria average).
 * Rows exist only for indicators at least one xã below gave a value for. A commune's own values
 * are its records (assessment_indicator), read as they are (progress.loaders.ts).
 */
@Entity("progress_indicator")
// The level above sums the rows of its children: plan, depth and parent, read from the index alone.
@Index("ix_progress_indicator_parent", ["planId", "depth", "parentId", "indicatorId", "xaAssessed", "xaMet"])
export class ProgressIndicator {
  @PrimaryColumn({ name: "plan_id", type: "int", unsigned: true })
  planId!: number;

  @PrimaryColumn({ name: "unit_id", type: "int", unsigned: true })
  unitId!: number;

  @PrimaryColumn({ name: "indicator_id", type: "int", unsigned: true })
  indicatorId!: number;

  @Column({ name: "parent_id", type: "int", unsigned: true, nullable: true })
  parentId!: number | null;

  @Column({ type: "tinyint", unsigned: true })
  depth!: number;

  /** xã of the subtree that recorded a value for the indicator. */
  @count("xa_assessed") xaAssessed!: number;

  /** xã of the subtree whose value says met. */
  @count("xa_met") xaMet!: number;

  @Column({ name: "computed_at", type: "datetime", precision: 3, default: () => "CURRENT_TIMESTAMP(3)" })
  computedAt!: Date;
}

/**
 * Funding allocated to and disbursed in a unit's subtree for one plan, by source (allocations and
 * disbursements without a recipient count at the plan's scope). A source with disbursements but no
 * allocation still has its row.
 */
@Entity("progress_funding")
export class ProgressFunding {
  @PrimaryColumn({ name: "plan_id", type: "int", unsigned: true })
  planId!: number;

  @PrimaryColumn({ name: "unit_id", type: "int", unsigned: true })
  unitId!: number;

  @PrimaryColumn({ type: "varchar", length: 32 })
  source!: string;

  @Column({ name: "allocated_vnd", type: "decimal", precision: 22, scale: 0, default: 0 })
  allocatedVnd!: string;

  /** Allocations whose amount is a lower bound, approximate or unknown. */
  @count("inexact_count") inexactCount!: number;

  @count("allocations") allocations!: number;

  @Column({ name: "disbursed_vnd", type: "decimal", precision: 22, scale: 0, default: 0 })
  disbursedVnd!: string;

  @count("disbursements") disbursements!: number;
}

/**
 * A plan's roll-up version: every roll-up that writes the plan's figures (incremental or full)
 * adds one, in the same transaction. The dashboard's answer cache (src/app/progress-cache.ts)
 * keys its entries on the versions, so an entry stops being used the moment a roll-up commits.
 */
@Entity("progress_plan")
export class ProgressPlan {
  @PrimaryColumn({ name: "plan_id", type: "int", unsigned: true })
  planId!: number;

  @Column({ type: "bigint", unsigned: true, default: 0 })
  version!: string;

  @Column({ name: "changed_at", type: "datetime", precision: 3, default: () => "CURRENT_TIMESTAMP(3)" })
  changedAt!: Date;
}

/** One day's copy of the figures of the province, districts and communes (villages are left out). */
@Entity("progress_snapshot")
@Index("ix_progress_snapshot_day", ["planId", "snapshotDate", "parentId"])
export class ProgressSnapshot extends ProgressFigures {
  @PrimaryColumn({ name: "snapshot_date", type: "date" })
  snapshotDate!: string;
}
