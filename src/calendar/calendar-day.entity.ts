import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";

export enum CalendarDayKind {
  /** A public holiday (ngày lễ, Tết): no work. */
  HOLIDAY = "holiday",
  /** A weekday given off in exchange for a worked weekend day (nghỉ bù / hoán đổi). */
  DAY_OFF = "day_off",
  /** A weekend day worked in exchange (làm bù). */
  WORKDAY = "workday",
}
registerEnumType(CalendarDayKind, { name: "CalendarDayKind" });

/**
 * Exceptions to the Monday–Friday working week, kept as data: public holidays (including the lunar
 * Tết and Hùng Kings days, whose dates move each year), compensatory days off, and weekend days
 * worked in exchange. Years 2022–2027 are seeded; the government's yearly decisions are added here.
 */
@ObjectType("CalendarDay", { description: "An exception to the Monday–Friday working week." })
@Entity("calendar_day")
export class CalendarDay {
  @Field({ description: "The date, YYYY-MM-DD." })
  @PrimaryColumn({ type: "date" })
  date!: string;

  @Field(() => CalendarDayKind)
  @Column({ type: "varchar", length: 16 })
  kind!: CalendarDayKind;

  @Field({ description: "What the day is, in Vietnamese, e.g. 'Tết Nguyên đán'." })
  @Column({ type: "varchar", length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: "The decision or notice that set it." })
  @Column({ type: "varchar", length: 255, nullable: true })
  source!: string | null;
}
