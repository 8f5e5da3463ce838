import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, RefColumn } from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";

/**
 * An in-app notification (thông báo) for one user: a deadline reminder today, other events later.
 * Text is Vietnamese and final when written; `link` is the global ID of what it is about.
 */
@ObjectType("Notification", {
  implements: Node,
  description: "A notification (thông báo) for the signed-in user, e.g. a deadline reminder.",
})
@Entity("notification")
@Index("ix_notification_user", ["userId", "id"])
@Index("ix_notification_user_unread", ["userId", "readAt"])
export class Notification {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Notification", this.id);
  }

  @ForeignKey("User", { onDelete: "CASCADE" })
  @RefColumn("user_id")
  userId!: number;

  /** What produced it, e.g. "reminder.before_3"; for grouping and digests, not shown. */
  @Column({ type: "varchar", length: 48 })
  kind!: string;

  @Field({ description: "One line, in Vietnamese." })
  @Column({ type: "varchar", length: 255 })
  title!: string;

  @Field({ description: "The message, in Vietnamese." })
  @Column({ type: "text" })
  body!: string;

  @Field(() => ID, {
    nullable: true,
    description: "Global ID of the object it is about (a Task), to open with node(id:).",
  })
  @Column({ type: "varchar", length: 64, nullable: true })
  link!: string | null;

  @Field(() => Date, { nullable: true, description: "When the user marked it read; null while unread." })
  @Column({ name: "read_at", type: "datetime", precision: 3, nullable: true })
  readAt!: Date | null;

  @Field(() => Date)
  @CreatedAt()
  createdAt!: Date;
}
