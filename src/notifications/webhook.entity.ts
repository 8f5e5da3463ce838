import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, RefColumn, UpdatedAt } from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";

/**
 * An organization's own system subscribed to its task events (webhook-input.ts lists them). The
 * secret signs every delivery (X-NTM-Signature) and is shown once, when the subscription is made.
 */
@ObjectType("WebhookSubscription", {
  implements: Node,
  description:
    "An organization's system subscribed to its task events (the secret is shown only at creation).",
})
@Entity("webhook_subscription")
@Index("ix_webhook_subscription_org", ["orgId", "active"])
export class WebhookSubscription {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("WebhookSubscription", this.id);
  }

  @ForeignKey("Organization", { onDelete: "CASCADE" })
  @RefColumn("org_id")
  orgId!: number;

  @Field(() => ID, { name: "organizationId", description: "Global ID of the subscribed organization." })
  get organizationGlobalId(): string {
    return toGlobalId("Organization", this.orgId);
  }

  /** https, or http to localhost/127.0.0.1 only (webhookUrlProblem). */
  @Field()
  @Column({ type: "varchar", length: 2000 })
  url!: string;

  /** HMAC-SHA256 key, 64 hex characters. */
  @Column({ type: "varchar", length: 64 })
  secret!: string;

  /** Comma-separated event names, e.g. "assigned,approved". */
  @Column({ type: "varchar", length: 255 })
  events!: string;

  @Field(() => [String], { name: "events", description: "assigned, reported, approved, returned, overdue." })
  get eventList(): string[] {
    return this.events.split(",").filter((e) => e.length > 0);
  }

  @Field()
  @Column({ type: "boolean", default: true })
  active!: boolean;

  @ForeignKey("User", { onDelete: "SET NULL" })
  @RefColumn("created_by", true)
  createdBy!: number | null;

  @Field(() => Date)
  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

export enum WebhookDeliveryStatus {
  PENDING = "pending",
  SUCCEEDED = "succeeded",
  FAILED = "failed",
}

/**
 * One event for one subscription. The unique (subscription, dedupe key) makes the enqueue happen
 * once per event however often its producer runs (INSERT IGNORE); the job re-reads this row.
 */
@ObjectType("WebhookDelivery", {
  implements: Node,
  description: "One event sent (or being sent) to a webhook.",
})
@Entity("webhook_delivery")
@Index("uq_webhook_delivery_dedupe", ["subscriptionId", "dedupeKey"], { unique: true })
@Index("ix_webhook_delivery_status", ["status", "id"])
export class WebhookDelivery {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, {
    name: "id",
    description: "Opaque global ID (the X-NTM-Delivery header is the number inside).",
  })
  get globalId(): string {
    return toGlobalId("WebhookDelivery", this.id);
  }

  @ForeignKey("WebhookSubscription", { onDelete: "CASCADE" })
  @RefColumn("subscription_id")
  subscriptionId!: number;

  @Field(() => ID, { name: "subscriptionId" })
  get subscriptionGlobalId(): string {
    return toGlobalId("WebhookSubscription", this.subscriptionId);
  }

  @Field()
  @Column({ type: "varchar", length: 24 })
  event!: string;

  /** The `data` of the body sent: ids and statuses, no personal data. */
  @Column({ type: "json" })
  payload!: Record<string, unknown>;

  /** e.g. "approved:assignment:12:event:345"; unique per subscription. */
  @Column({ name: "dedupe_key", type: "varchar", length: 191 })
  dedupeKey!: string;

  @Field(() => String, { description: "pending, succeeded or failed." })
  @Column({ type: "varchar", length: 16, default: WebhookDeliveryStatus.PENDING })
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  @Column({ type: "int", unsigned: true, default: 0 })
  attempts!: number;

  @Field(() => Int, { nullable: true })
  @Column({ name: "last_status_code", type: "smallint", unsigned: true, nullable: true })
  lastStatusCode!: number | null;

  /** A sentence of ours (webhook-post.ts), never the receiver's body or a stack. */
  @Field(() => String, { nullable: true })
  @Column({ name: "last_error", type: "varchar", length: 255, nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: "next_attempt_at", type: "datetime", precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => Date)
  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
