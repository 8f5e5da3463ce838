import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, DateColumn, RefColumn, UpdatedAt } from "../../shared/columns";

/** How a user's reminder e-mails go out: one per reminder, or one daily digest. */
export enum EmailMode {
  IMMEDIATE = "immediate",
  DIGEST = "digest",
}

/**
 * One user's reminder preferences (preferences.ts). A user without a row gets the defaults:
 * e-mail on, one e-mail per reminder, no quiet hours. In-app notifications are always on.
 */
@Entity("notification_preferences")
export class NotificationPreferences {
  @ForeignKey("User", { onDelete: "CASCADE" })
  @PrimaryColumn({ name: "user_id", type: "int", unsigned: true })
  userId!: number;

  @Column({ name: "email_enabled", type: "boolean", default: true })
  emailEnabled!: boolean;

  @Column({ name: "email_mode", type: "varchar", length: 16, default: EmailMode.IMMEDIATE })
  emailMode!: EmailMode;

  /** Local hour (plan time zone) the daily digest goes out at. */
  @Column({ name: "digest_local_hour", type: "tinyint", unsigned: true, default: 7 })
  digestLocalHour!: number;

  /** Quiet hours [start, end) in local hours; both null: none. Start > end wraps midnight. */
  @Column({ name: "quiet_start_hour", type: "tinyint", unsigned: true, nullable: true })
  quietStartHour!: number | null;

  @Column({ name: "quiet_end_hour", type: "tinyint", unsigned: true, nullable: true })
  quietEndHour!: number | null;

  @Column({ type: "int", unsigned: true, default: 1 })
  version!: number;

  @UpdatedAt()
  updatedAt!: Date;
}

/**
 * One daily digest sent to one user for one local date on one channel. The unique key makes a
 * digest go out at most once however often its job runs (claimed like reminder_delivery).
 */
@Entity("digest_delivery")
@Index("uq_digest_delivery", ["userId", "digestDate", "channel"], { unique: true })
export class DigestDelivery {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("User", { onDelete: "CASCADE" })
  @RefColumn("user_id")
  userId!: number;

  /** The local date ("YYYY-MM-DD") the digest is for. */
  @DateColumn("digest_date", false)
  digestDate!: string;

  @Column({ type: "varchar", length: 16 })
  channel!: string;

  /** Items listed (due soon + due today + overdue). */
  @Column({ name: "item_count", type: "int", unsigned: true, default: 0 })
  itemCount!: number;

  @CreatedAt()
  createdAt!: Date;
}

/**
 * A reminder e-mail held back by its recipient's quiet hours, and when it may go out. Written when
 * the reminder job defers it, read by the reconciler to re-add its delayed job after Redis lost it;
 * the e-mail itself is recorded in reminder_delivery (channel 'email') when sent.
 */
@Entity("deferred_email")
@Index("uq_deferred_email", ["assignmentId", "kind", "dueDate", "userId"], { unique: true })
@Index("ix_deferred_email_send_at", ["sendAt"])
export class DeferredEmail {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("Assignment", { onDelete: "CASCADE" })
  @RefColumn("assignment_id")
  assignmentId!: number;

  @Column({ type: "varchar", length: 24 })
  kind!: string;

  @DateColumn("due_date", false)
  dueDate!: string;

  @ForeignKey("User", { onDelete: "CASCADE" })
  @RefColumn("user_id")
  userId!: number;

  /** The end of the quiet hours the reminder fell in (UTC). */
  @Column({ name: "send_at", type: "datetime", precision: 3 })
  sendAt!: Date;

  @CreatedAt()
  createdAt!: Date;
}
