import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Disbursements (giải ngân): money paid out for a plan from one source, optionally drawing on an
 * allocation, whose plan and source a composite foreign key keeps equal to its own (hence the
 * unique key on funding_allocation (id, plan_id, source)). The roll-up's progress_funding gains the
 * amount disbursed in each subtree and the number of disbursements. progress_snapshot copies
 * progress_unit only, so it has no funding columns to add.
 */
export class FundingDisbursement1796002116748 implements MigrationInterface {
  name = "FundingDisbursement1796002116748";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX \`uq_funding_id_plan_source\` ON \`funding_allocation\` (\`id\`, \`plan_id\`, \`source\`)`,
    );
    await queryRunner.query(
      `CREATE TABLE \`funding_disbursement\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`plan_id\` int UNSIGNED NOT NULL, \`allocation_id\` int UNSIGNED NULL, \`source\` varchar(32) NOT NULL, \`recipient_unit_id\` int UNSIGNED NULL, \`amount_vnd\` decimal(20,0) NOT NULL, \`disbursed_on\` date NOT NULL, \`reference\` varchar(255) NOT NULL, \`note\` text NULL, \`recorded_by_user_id\` int UNSIGNED NULL, \`recorded_by_org_id\` int UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_disbursement_allocation\` (\`allocation_id\`, \`plan_id\`, \`source\`), INDEX \`ix_disbursement_unit\` (\`recipient_unit_id\`), INDEX \`ix_disbursement_plan\` (\`plan_id\`, \`disbursed_on\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_disbursement\` ADD CONSTRAINT \`FK_3f78dcdc00aeaf179a93ec286b2\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_disbursement\` ADD CONSTRAINT \`FK_778f3715e990a53435f3d4cd610\` FOREIGN KEY (\`recipient_unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_disbursement\` ADD CONSTRAINT \`FK_a7a9f9f911ca1075803c0389918\` FOREIGN KEY (\`recorded_by_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_disbursement\` ADD CONSTRAINT \`FK_e52be69d1b638da2b09db3ef99b\` FOREIGN KEY (\`recorded_by_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_disbursement\` ADD CONSTRAINT \`FK_e705e5bef6fc46029e9f3f354bd\` FOREIGN KEY (\`allocation_id\`, \`plan_id\`, \`source\`) REFERENCES \`funding_allocation\`(\`id\`,\`plan_id\`,\`source\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_funding\` ADD \`disbursed_vnd\` decimal(22,0) NOT NULL DEFAULT '0', ADD \`disbursements\` int UNSIGNED NOT NULL DEFAULT '0'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`progress_funding\` DROP COLUMN \`disbursements\`, DROP COLUMN \`disbursed_vnd\``,
    );
    await queryRunner.query(`DROP TABLE \`funding_disbursement\``);
    await queryRunner.query(`DROP INDEX \`uq_funding_id_plan_source\` ON \`funding_allocation\``);
  }
}
