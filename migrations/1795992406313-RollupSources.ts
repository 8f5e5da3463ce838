import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What the progress roll-up reads, shaped for one set-based pass over every plan
 * (src/rollup/rollup.sql.ts):
 * - assignment.plan_id: the task's plan on each assignment, kept equal to it by a composite foreign
 *   key to task (id, plan_id), and the index the roll-up counts a plan's assignments from without
 *   touching the task table (ix_assignment_plan_org);
 * - ix_assessment_criterion also holds unit_id and met, so the pass over a criteria set's
 *   assessments reads the index alone;
 * - progress_plan: each plan's roll-up version, which the dashboard's answer cache keys on.
 */
export class RollupSources1795992406313 implements MigrationInterface {
  name = "RollupSources1795992406313";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`assignment\` DROP FOREIGN KEY \`FK_37076c934258c13f9aa797f8b9e\``);
    // Added nullable, filled from the tasks, then made NOT NULL (the generated migration added it
    // NOT NULL at once, which would give existing rows plan 0 and break the foreign key).
    await queryRunner.query(`ALTER TABLE \`assignment\` ADD \`plan_id\` int UNSIGNED NULL`);
    await queryRunner.query(
      `UPDATE \`assignment\` a JOIN \`task\` t ON t.\`id\` = a.\`task_id\` SET a.\`plan_id\` = t.\`plan_id\``,
    );
    await queryRunner.query(`ALTER TABLE \`assignment\` MODIFY \`plan_id\` int UNSIGNED NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX \`ix_assignment_plan_org\` ON \`assignment\` (\`plan_id\`, \`org_id\`, \`status\`, \`due_date\`, \`completed_on\`)`,
    );
    await queryRunner.query(
      `CREATE INDEX \`ix_assignment_task_plan\` ON \`assignment\` (\`task_id\`, \`plan_id\`)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX \`uq_task_id_plan\` ON \`task\` (\`id\`, \`plan_id\`)`);
    await queryRunner.query(
      `ALTER TABLE \`assignment\` ADD CONSTRAINT \`FK_e5bad8ad0d97e6910e7195facbd\` FOREIGN KEY (\`task_id\`, \`plan_id\`) REFERENCES \`task\`(\`id\`,\`plan_id\`) ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    // One ALTER: the foreign key on criterion_id needs an index at every moment.
    await queryRunner.query(
      `ALTER TABLE \`assessment\` DROP INDEX \`ix_assessment_criterion\`, ADD INDEX \`ix_assessment_criterion\` (\`criterion_id\`, \`year\`, \`unit_id\`, \`met\`)`,
    );
    await queryRunner.query(
      `CREATE TABLE \`progress_plan\` (\`plan_id\` int UNSIGNED NOT NULL, \`version\` bigint UNSIGNED NOT NULL DEFAULT '0', \`changed_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (\`plan_id\`)) ENGINE=InnoDB`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`progress_plan\``);
    await queryRunner.query(
      `ALTER TABLE \`assessment\` DROP INDEX \`ix_assessment_criterion\`, ADD INDEX \`ix_assessment_criterion\` (\`criterion_id\`, \`year\`)`,
    );
    await queryRunner.query(`ALTER TABLE \`assignment\` DROP FOREIGN KEY \`FK_e5bad8ad0d97e6910e7195facbd\``);
    await queryRunner.query(`DROP INDEX \`uq_task_id_plan\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_assignment_task_plan\` ON \`assignment\``);
    await queryRunner.query(`DROP INDEX \`ix_assignment_plan_org\` ON \`assignment\``);
    await queryRunner.query(`ALTER TABLE \`assignment\` DROP COLUMN \`plan_id\``);
    await queryRunner.query(
      `ALTER TABLE \`assignment\` ADD CONSTRAINT \`FK_37076c934258c13f9aa797f8b9e\` FOREIGN KEY (\`task_id\`) REFERENCES \`task\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
