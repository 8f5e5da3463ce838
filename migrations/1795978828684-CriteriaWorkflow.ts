import { MigrationInterface, QueryRunner } from "typeorm";

export class CriteriaWorkflow1795978828684 implements MigrationInterface {
  name = "CriteriaWorkflow1795978828684";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`assessment\` ADD \`evidence\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`assessment\` ADD \`returned_reason\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`assessment\` ADD \`reviewed_by_org_id\` int UNSIGNED NULL`);
    await queryRunner.query(`ALTER TABLE \`assessment\` ADD \`reviewed_on\` date NULL`);
    await queryRunner.query(`ALTER TABLE \`assessment\` ADD \`version\` int UNSIGNED NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE \`recognition\` ADD \`revocation_reason\` text NULL`);
    await queryRunner.query(
      `ALTER TABLE \`recognition\` ADD \`criteria_override\` tinyint NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(`ALTER TABLE \`recognition\` ADD \`recorded_by_org_id\` int UNSIGNED NULL`);
    await queryRunner.query(`ALTER TABLE \`recognition\` ADD \`version\` int UNSIGNED NOT NULL DEFAULT '1'`);
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` ADD \`version\` int UNSIGNED NOT NULL DEFAULT '1'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX \`uq_roadmap_entry_carry\` ON \`roadmap_entry\` (\`plan_id\`, \`carried_over_from_id\`)`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment\` ADD CONSTRAINT \`FK_783a9e6028484000ff8c6b7e081\` FOREIGN KEY (\`reviewed_by_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`recognition\` ADD CONSTRAINT \`FK_927d3887aa39bb3628b8959ae6d\` FOREIGN KEY (\`recorded_by_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`recognition\` DROP FOREIGN KEY \`FK_927d3887aa39bb3628b8959ae6d\``,
    );
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP FOREIGN KEY \`FK_783a9e6028484000ff8c6b7e081\``);
    await queryRunner.query(`DROP INDEX \`uq_roadmap_entry_carry\` ON \`roadmap_entry\``);
    await queryRunner.query(`ALTER TABLE \`roadmap_entry\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`recognition\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`recognition\` DROP COLUMN \`recorded_by_org_id\``);
    await queryRunner.query(`ALTER TABLE \`recognition\` DROP COLUMN \`criteria_override\``);
    await queryRunner.query(`ALTER TABLE \`recognition\` DROP COLUMN \`revocation_reason\``);
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP COLUMN \`reviewed_on\``);
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP COLUMN \`reviewed_by_org_id\``);
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP COLUMN \`returned_reason\``);
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP COLUMN \`evidence\``);
  }
}
