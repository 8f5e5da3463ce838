import type { MigrationInterface } from "typeorm";
import { Initial1795968786060 } from "./1795968786060-Initial";
import { Identity1795969969492 } from "./1795969969492-Identity";
import { Workflow1795971199704 } from "./1795971199704-Workflow";
import { Reminders1795973368529 } from "./1795973368529-Reminders";
import { Webhooks1795976213513 } from "./1795976213513-Webhooks";
import { NotificationPreferences1795979448794 } from "./1795979448794-NotificationPreferences";

import { CriteriaWorkflow1795978828684 } from "./1795978828684-CriteriaWorkflow";

import { Rollup1795979450640 } from "./1795979450640-Rollup";
import { UnitCacheVersion1795990202256 } from "./1795990202256-UnitCacheVersion";
import { TaskVisibility1795990324134 } from "./1795990324134-TaskVisibility";
import { RollupSources1795992406313 } from "./1795992406313-RollupSources";
import { ProgressIndicator1796002101355 } from "./1796002101355-ProgressIndicator";
import { FundingDisbursement1796002116748 } from "./1796002116748-FundingDisbursement";
import { IndicatorValueIndex1796004602020 } from "./1796004602020-IndicatorValueIndex";

/** Every migration, in order. Listed explicitly so the compiler checks them and no glob can miss one. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  Initial1795968786060,
  Identity1795969969492,
  Workflow1795971199704,
  Reminders1795973368529,
  Webhooks1795976213513,
  CriteriaWorkflow1795978828684,
  NotificationPreferences1795979448794,

  Rollup1795979450640,
  UnitCacheVersion1795990202256,
  TaskVisibility1795990324134,
  RollupSources1795992406313,
  ProgressIndicator1796002101355,
  FundingDisbursement1796002116748,
  IndicatorValueIndex1796004602020,
];
