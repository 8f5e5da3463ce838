import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, DateColumn, RefColumn } from "../shared/columns";

/** Where a reminder goes (webhooks may follow). */
export enum DeliveryChannel {
  IN_APP = "in_app",
  /** SMTP (deliver-email.ts): claimed in a transaction held open while the server accepts the message. */
  EMAIL = "email",
}

/**
 * One reminder delivered to one person on one channel. The unique key (assignment, kind, due date,
 * recipient, channel) is what makes a delivery happen at most once however often its job runs:
 * the row is inserted with INSERT IGNORE in the same transaction as what it delivers.
 */
@Entity("reminder_delivery")
@Index("uq_reminder_delivery", ["assignmentId", "kind", "dueDate", "recipientUserId", "channel"], {
  unique: true,
})
@Index("ix_reminder_delivery_recipient", ["recipientUserId", "id"])
export class ReminderDelivery {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("Assignment", { onDelete: "CASCADE" })
  @RefColumn("assignment_id")
  assignmentId!: number;

  /** before_7, due_today, overdue_4, escalation… (ladder.ts). */
  @Column({ type: "varchar", length: 24 })
  kind!: string;

  /** The due date the reminder was for: a moved deadline gets its reminders again. */
  @DateColumn("due_date", false)
  dueDate!: string;

  @ForeignKey("User", { onDelete: "CASCADE" })
  @RefColumn("recipient_user_id")
  recipientUserId!: number;

  @Column({ type: "varchar", length: 16 })
  channel!: DeliveryChannel;

  /** The in-app notification it created (in_app channel). */
  @ForeignKey("Notification", { onDelete: "SET NULL" })
  @RefColumn("notification_id", true)
  notificationId!: number | null;

  @CreatedAt()
  createdAt!: Date;
}
