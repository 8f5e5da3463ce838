import { MigrationInterface, QueryRunner } from "typeorm";

export class Rollup1795979450640 implements MigrationInterface {
  name = "Rollup1795979450640";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`progress_unit\` (\`plan_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, \`parent_id\` int UNSIGNED NULL, \`depth\` tinyint UNSIGNED NOT NULL, \`unit_type\` varchar(16) NOT NULL, \`path\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`code\` varchar(16) NULL, \`name\` varchar(160) NOT NULL, \`as_of\` date NOT NULL, \`criteria_met\` smallint UNSIGNED NULL, \`criteria_met_start\` smallint UNSIGNED NULL, \`criteria_total\` smallint UNSIGNED NULL, \`criteria_flags\` varchar(64) CHARACTER SET "ascii" NULL, \`level_reached\` varchar(24) NULL, \`communes_ntm\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_ntm_start\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_advanced_ntm\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_advanced_ntm_start\` int UNSIGNED NOT NULL DEFAULT '0', \`xa_count\` int UNSIGNED NOT NULL DEFAULT '0', \`xa_criteria_sum\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_gained\` int UNSIGNED NOT NULL DEFAULT '0', \`villages_ntm\` int UNSIGNED NOT NULL DEFAULT '0', \`villages_ntm_start\` int UNSIGNED NOT NULL DEFAULT '0', \`districts_completed\` int UNSIGNED NOT NULL DEFAULT '0', \`assignments_total\` int UNSIGNED NOT NULL DEFAULT '0', \`assignments_done\` int UNSIGNED NOT NULL DEFAULT '0', \`in_term\` int UNSIGNED NOT NULL DEFAULT '0', \`due_soon\` int UNSIGNED NOT NULL DEFAULT '0', \`overdue\` int UNSIGNED NOT NULL DEFAULT '0', \`done_on_time\` int UNSIGNED NOT NULL DEFAULT '0', \`done_late\` int UNSIGNED NOT NULL DEFAULT '0', \`no_deadline\` int UNSIGNED NOT NULL DEFAULT '0', \`computed_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_progress_unit_depth\` (\`plan_id\`, \`depth\`, \`unit_id\`), INDEX \`ix_progress_unit_parent\` (\`plan_id\`, \`parent_id\`, \`unit_id\`), PRIMARY KEY (\`plan_id\`, \`unit_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`progress_org\` (\`plan_id\` int UNSIGNED NOT NULL, \`org_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, \`assignments_total\` int UNSIGNED NOT NULL DEFAULT '0', \`assignments_done\` int UNSIGNED NOT NULL DEFAULT '0', \`in_term\` int UNSIGNED NOT NULL DEFAULT '0', \`due_soon\` int UNSIGNED NOT NULL DEFAULT '0', \`overdue\` int UNSIGNED NOT NULL DEFAULT '0', \`done_on_time\` int UNSIGNED NOT NULL DEFAULT '0', \`done_late\` int UNSIGNED NOT NULL DEFAULT '0', \`no_deadline\` int UNSIGNED NOT NULL DEFAULT '0', \`computed_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_progress_org_unit\` (\`plan_id\`, \`unit_id\`, \`org_id\`), PRIMARY KEY (\`plan_id\`, \`org_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`progress_funding\` (\`plan_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, \`source\` varchar(32) NOT NULL, \`allocated_vnd\` decimal(22,0) NOT NULL DEFAULT '0', \`inexact_count\` int UNSIGNED NOT NULL DEFAULT '0', \`allocations\` int UNSIGNED NOT NULL DEFAULT '0', PRIMARY KEY (\`plan_id\`, \`unit_id\`, \`source\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`progress_snapshot\` (\`plan_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, \`parent_id\` int UNSIGNED NULL, \`depth\` tinyint UNSIGNED NOT NULL, \`unit_type\` varchar(16) NOT NULL, \`path\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`code\` varchar(16) NULL, \`name\` varchar(160) NOT NULL, \`as_of\` date NOT NULL, \`criteria_met\` smallint UNSIGNED NULL, \`criteria_met_start\` smallint UNSIGNED NULL, \`criteria_total\` smallint UNSIGNED NULL, \`criteria_flags\` varchar(64) CHARACTER SET "ascii" NULL, \`level_reached\` varchar(24) NULL, \`communes_ntm\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_ntm_start\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_advanced_ntm\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_advanced_ntm_start\` int UNSIGNED NOT NULL DEFAULT '0', \`xa_count\` int UNSIGNED NOT NULL DEFAULT '0', \`xa_criteria_sum\` int UNSIGNED NOT NULL DEFAULT '0', \`communes_gained\` int UNSIGNED NOT NULL DEFAULT '0', \`villages_ntm\` int UNSIGNED NOT NULL DEFAULT '0', \`villages_ntm_start\` int UNSIGNED NOT NULL DEFAULT '0', \`districts_completed\` int UNSIGNED NOT NULL DEFAULT '0', \`assignments_total\` int UNSIGNED NOT NULL DEFAULT '0', \`assignments_done\` int UNSIGNED NOT NULL DEFAULT '0', \`in_term\` int UNSIGNED NOT NULL DEFAULT '0', \`due_soon\` int UNSIGNED NOT NULL DEFAULT '0', \`overdue\` int UNSIGNED NOT NULL DEFAULT '0', \`done_on_time\` int UNSIGNED NOT NULL DEFAULT '0', \`done_late\` int UNSIGNED NOT NULL DEFAULT '0', \`no_deadline\` int UNSIGNED NOT NULL DEFAULT '0', \`snapshot_date\` date NOT NULL, INDEX \`ix_progress_snapshot_day\` (\`plan_id\`, \`snapshot_date\`, \`parent_id\`), PRIMARY KEY (\`plan_id\`, \`unit_id\`, \`snapshot_date\`)) ENGINE=InnoDB`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_progress_snapshot_day\` ON \`progress_snapshot\``);
    await queryRunner.query(`DROP TABLE \`progress_snapshot\``);
    await queryRunner.query(`DROP TABLE \`progress_funding\``);
    await queryRunner.query(`DROP INDEX \`ix_progress_org_unit\` ON \`progress_org\``);
    await queryRunner.query(`DROP TABLE \`progress_org\``);
    await queryRunner.query(`DROP INDEX \`ix_progress_unit_parent\` ON \`progress_unit\``);
    await queryRunner.query(`DROP INDEX \`ix_progress_unit_depth\` ON \`progress_unit\``);
    await queryRunner.query(`DROP TABLE \`progress_unit\``);
  }
}
