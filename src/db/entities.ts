import { AuditEntry } from "../audit/audit-entry.entity";
import { CacheVersion } from "./cache-version.entity";
import { RefreshToken, User, UserRole } from "../auth/user.entity";
import { CalendarDay } from "../calendar/calendar-day.entity";
import { Assignment, AssignmentEvent } from "../workflow/assignment.entity";
import { DeadlineExtension, DueDateChange, TaskComment } from "../workflow/extension.entity";
import { Attachment, ProgressReport, ReportFigure, ReportingPeriod } from "../workflow/report.entity";
import { Assessment, IndicatorValue } from "../criteria/assessment.entity";
import { CriteriaSet } from "../criteria/criteria-set.entity";
import { Criterion, Indicator } from "../criteria/criterion.entity";
import { Recognition } from "../criteria/recognition.entity";
import { FundingAllocation } from "../funding/funding-allocation.entity";
import { FundingDisbursement } from "../funding/funding-disbursement.entity";
import { Organization } from "../organizations/organization.entity";
import { PlanTarget, TargetQuota } from "../plans/plan-target.entity";
import { Plan } from "../plans/plan.entity";
import { RoadmapEntry } from "../plans/roadmap-entry.entity";
import { TaskGroup } from "../plans/task-group.entity";
import { ReferenceSource } from "../shared/reference-source.entity";
import { Task, TaskCooperator, TaskUnit } from "../tasks/task.entity";
import { TaskVisibility } from "../tasks/task-visibility.entity";
import { Unit } from "../units/unit.entity";
import { Notification } from "../notifications/notification.entity";
import { ReminderDelivery } from "../reminders/reminder-delivery.entity";
import { PlanReminderSettings } from "../reminders/reminder-settings.entity";
import {
  ProgressFunding,
  ProgressIndicator,
  ProgressOrg,
  ProgressPlan,
  ProgressSnapshot,
  ProgressUnit,
} from "../rollup/progress.entity";
import { WebhookDelivery, WebhookSubscription } from "../notifications/webhook.entity";
import {
  DeferredEmail,
  DigestDelivery,
  NotificationPreferences,
} from "../reminders/preferences/notification-preferences.entity";

export const ENTITIES = [
  Unit,
  Organization,
  Plan,
  PlanTarget,
  TargetQuota,
  TaskGroup,
  RoadmapEntry,
  Task,
  TaskCooperator,
  TaskUnit,
  TaskVisibility,
  CriteriaSet,
  Criterion,
  Indicator,
  Assessment,
  IndicatorValue,
  Recognition,
  FundingAllocation,
  FundingDisbursement,
  ReferenceSource,
  User,
  UserRole,
  RefreshToken,
  AuditEntry,
  Assignment,
  AssignmentEvent,
  ReportingPeriod,
  ProgressReport,
  ReportFigure,
  Attachment,
  DeadlineExtension,
  DueDateChange,
  TaskComment,
  CalendarDay,
  Notification,
  PlanReminderSettings,
  ReminderDelivery,
  WebhookSubscription,
  WebhookDelivery,
  NotificationPreferences,
  DigestDelivery,
  DeferredEmail,

  ProgressUnit,
  ProgressOrg,
  ProgressFunding,
  ProgressSnapshot,
  CacheVersion,
  ProgressPlan,
  ProgressIndicator,
];
