import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795968786060 implements MigrationInterface {
  name = "Initial1795968786060";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`assessment\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`unit_id\` int UNSIGNED NOT NULL, \`criterion_id\` int UNSIGNED NOT NULL, \`year\` smallint UNSIGNED NOT NULL, \`met\` tinyint NOT NULL, \`stage\` varchar(24) NOT NULL DEFAULT 'self', \`assessed_on\` date NULL, \`assessed_by_org_id\` int UNSIGNED NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_assessment_criterion\` (\`criterion_id\`, \`year\`), UNIQUE INDEX \`uq_assessment\` (\`unit_id\`, \`criterion_id\`, \`year\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`assessment_indicator\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`assessment_id\` int UNSIGNED NOT NULL, \`indicator_id\` int UNSIGNED NOT NULL, \`met\` tinyint NULL, \`value\` decimal(18,4) NULL, \`value_text\` varchar(255) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_assessment_indicator\` (\`assessment_id\`, \`indicator_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`criteria_set\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`code\` varchar(48) NOT NULL, \`kind\` varchar(24) NOT NULL, \`name\` varchar(500) NOT NULL, \`decision\` varchar(500) NOT NULL, \`issued_on\` date NULL, \`period_start_year\` smallint UNSIGNED NOT NULL, \`period_end_year\` smallint UNSIGNED NULL, \`criteria_count\` smallint UNSIGNED NOT NULL, \`replaces_id\` int UNSIGNED NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_criteria_set_code\` (\`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`criterion\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`set_id\` int UNSIGNED NOT NULL, \`no\` smallint UNSIGNED NOT NULL, \`name\` varchar(500) NOT NULL, \`group_name\` varchar(200) NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_criterion_no\` (\`set_id\`, \`no\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`indicator\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`criterion_id\` int UNSIGNED NOT NULL, \`code\` varchar(16) NOT NULL, \`ord\` smallint UNSIGNED NOT NULL, \`name\` text NOT NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_indicator_code\` (\`criterion_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`recognition\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`unit_id\` int UNSIGNED NOT NULL, \`level\` varchar(24) NOT NULL, \`standard_year\` smallint UNSIGNED NULL, \`decision_no\` varchar(64) NULL, \`decided_on\` date NULL, \`decided_by\` varchar(200) NULL, \`revoked_on\` date NULL, \`revocation_decision_no\` varchar(64) NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_recognition_level_year\` (\`level\`, \`standard_year\`), INDEX \`ix_recognition_unit\` (\`unit_id\`, \`level\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`funding_allocation\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`plan_id\` int UNSIGNED NULL, \`year\` smallint UNSIGNED NOT NULL, \`source\` varchar(32) NOT NULL, \`recipient_unit_id\` int UNSIGNED NULL, \`amount_vnd\` decimal(20,0) NULL, \`amount_qualifier\` varchar(16) NOT NULL DEFAULT 'exact', \`amount_text\` varchar(100) NULL, \`description\` text NOT NULL, \`decision_ref\` varchar(255) NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_funding_unit\` (\`recipient_unit_id\`), INDEX \`ix_funding_plan\` (\`plan_id\`, \`source\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`organization\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`code\` varchar(40) NOT NULL, \`name\` varchar(255) NOT NULL, \`short_name\` varchar(64) NULL, \`name_folded\` varchar(255) NOT NULL, \`kind\` varchar(24) NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, \`parent_id\` int UNSIGNED NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_organization_name_folded\` (\`name_folded\`), INDEX \`ix_organization_unit\` (\`unit_id\`, \`kind\`), UNIQUE INDEX \`uq_organization_code\` (\`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`plan_target\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`plan_id\` int UNSIGNED NOT NULL, \`code\` varchar(48) NOT NULL, \`ord\` smallint UNSIGNED NOT NULL, \`title\` varchar(500) NOT NULL, \`metric\` varchar(48) NOT NULL, \`target_kind\` varchar(16) NOT NULL, \`scope_unit_id\` int UNSIGNED NOT NULL, \`baseline\` decimal(14,2) NULL, \`target_value\` decimal(14,2) NULL, \`measure_unit\` varchar(32) NOT NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_plan_target_code\` (\`plan_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`plan_target_quota\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`target_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, \`quota\` decimal(14,2) NULL, \`quota_text\` varchar(64) NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_plan_target_quota\` (\`target_id\`, \`unit_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`plan\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`number\` varchar(40) NOT NULL, \`title\` varchar(500) NOT NULL, \`issuer\` varchar(200) NOT NULL, \`issued_on\` date NOT NULL, \`year\` smallint UNSIGNED NOT NULL, \`program\` varchar(255) NOT NULL, \`period_start_year\` smallint UNSIGNED NOT NULL, \`period_end_year\` smallint UNSIGNED NOT NULL, \`scope_unit_id\` int UNSIGNED NOT NULL, \`issuer_org_id\` int UNSIGNED NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_plan_year\` (\`year\`), UNIQUE INDEX \`uq_plan_number_issued_on\` (\`number\`, \`issued_on\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`roadmap_entry\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`plan_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NULL, \`district_unit_id\` int UNSIGNED NULL, \`level\` varchar(24) NOT NULL, \`year\` smallint UNSIGNED NOT NULL, \`outcome\` varchar(16) NOT NULL DEFAULT 'pending', \`carried_over_from_id\` int UNSIGNED NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_roadmap_entry_unit\` (\`unit_id\`), INDEX \`ix_roadmap_entry_plan\` (\`plan_id\`, \`level\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`task_group\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`plan_id\` int UNSIGNED NOT NULL, \`ord\` smallint UNSIGNED NOT NULL, \`title\` varchar(500) NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_task_group_ord\` (\`plan_id\`, \`ord\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`reference_source\` (\`code\` varchar(8) NOT NULL, \`citation\` text NOT NULL, PRIMARY KEY (\`code\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`task\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`plan_id\` int UNSIGNED NOT NULL, \`group_id\` int UNSIGNED NULL, \`parent_id\` int UNSIGNED NULL, \`path\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`depth\` tinyint UNSIGNED NOT NULL DEFAULT '0', \`code\` varchar(40) NOT NULL, \`title\` varchar(500) NOT NULL, \`description\` text NULL, \`lead_org_id\` int UNSIGNED NULL, \`target_id\` int UNSIGNED NULL, \`start_date\` date NULL, \`due_date\` date NULL, \`status\` varchar(16) NOT NULL DEFAULT 'assigned', \`progress\` decimal(5,2) NOT NULL DEFAULT '0.00', \`quota\` decimal(14,2) NULL, \`quota_unit\` varchar(32) NULL, \`version\` int UNSIGNED NOT NULL DEFAULT '1', \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_task_status_due\` (\`status\`, \`due_date\`), INDEX \`ix_task_path\` (\`path\`), INDEX \`ix_task_parent\` (\`parent_id\`), INDEX \`ix_task_group\` (\`group_id\`), INDEX \`ix_task_lead\` (\`lead_org_id\`, \`due_date\`), INDEX \`ix_task_plan_due\` (\`plan_id\`, \`due_date\`, \`id\`), INDEX \`ix_task_due\` (\`due_date\`, \`id\`), UNIQUE INDEX \`uq_task_code\` (\`plan_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`task_cooperator\` (\`task_id\` int UNSIGNED NOT NULL, \`org_id\` int UNSIGNED NOT NULL, INDEX \`ix_task_cooperator_org\` (\`org_id\`, \`task_id\`), PRIMARY KEY (\`task_id\`, \`org_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`task_unit\` (\`task_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, INDEX \`ix_task_unit_unit\` (\`unit_id\`, \`task_id\`), PRIMARY KEY (\`task_id\`, \`unit_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`admin_unit\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`code\` varchar(16) NULL, \`name\` varchar(160) NOT NULL, \`full_name\` varchar(200) NOT NULL, \`name_folded\` varchar(200) NOT NULL, \`name_lower\` varchar(200) COLLATE "utf8mb4_bin" NOT NULL, \`level\` varchar(16) NOT NULL, \`type\` varchar(16) NOT NULL, \`parent_id\` int UNSIGNED NULL, \`path\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`depth\` tinyint UNSIGNED NOT NULL, \`area_class\` varchar(4) NULL, \`specially_difficult\` tinyint NULL, \`valid_from\` date NULL, \`valid_to\` date NULL, \`successor_id\` int UNSIGNED NULL, \`successor_note\` varchar(255) NULL, \`note\` text NULL, \`sources\` varchar(255) NULL, \`confidence\` varchar(12) NOT NULL DEFAULT 'confirmed', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_admin_unit_name_folded\` (\`name_folded\`), INDEX \`ix_admin_unit_parent\` (\`parent_id\`, \`name\`), INDEX \`ix_admin_unit_path\` (\`path\`), UNIQUE INDEX \`uq_admin_unit_code_valid_from\` (\`code\`, \`valid_from\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment\` ADD CONSTRAINT \`FK_f6b4165317a264e80913f221ca2\` FOREIGN KEY (\`unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment\` ADD CONSTRAINT \`FK_011a9eb8eb09755aee0a9deceb3\` FOREIGN KEY (\`criterion_id\`) REFERENCES \`criterion\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment\` ADD CONSTRAINT \`FK_990ae7f380025d2e39c0c838519\` FOREIGN KEY (\`assessed_by_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment_indicator\` ADD CONSTRAINT \`FK_a8e2d9968dd89bcd6b8cec31ff9\` FOREIGN KEY (\`assessment_id\`) REFERENCES \`assessment\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment_indicator\` ADD CONSTRAINT \`FK_a789994546b872c928047a7d6b3\` FOREIGN KEY (\`indicator_id\`) REFERENCES \`indicator\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`criteria_set\` ADD CONSTRAINT \`FK_9fae728c02c1620313dcdd0eb20\` FOREIGN KEY (\`replaces_id\`) REFERENCES \`criteria_set\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`criterion\` ADD CONSTRAINT \`FK_cf5c7ad5c340519a3a05c0ed8a1\` FOREIGN KEY (\`set_id\`) REFERENCES \`criteria_set\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`indicator\` ADD CONSTRAINT \`FK_3fe45fa18dd544e0a6cba8d7c22\` FOREIGN KEY (\`criterion_id\`) REFERENCES \`criterion\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`recognition\` ADD CONSTRAINT \`FK_2a7c46f814a54726d8b81664f1a\` FOREIGN KEY (\`unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_allocation\` ADD CONSTRAINT \`FK_a7009b08ef22df2cd89cc336c04\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_allocation\` ADD CONSTRAINT \`FK_4e67e71735fd700f47181f50419\` FOREIGN KEY (\`recipient_unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`organization\` ADD CONSTRAINT \`FK_6a6cced3641ae4eb00c9244db38\` FOREIGN KEY (\`unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`organization\` ADD CONSTRAINT \`FK_15acafd6698ac846c6b6a6a50ec\` FOREIGN KEY (\`parent_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_target\` ADD CONSTRAINT \`FK_7a8cea69ae4e59c9d9e8f03f718\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_target\` ADD CONSTRAINT \`FK_c93eef6287013798fffbd706d42\` FOREIGN KEY (\`scope_unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_target_quota\` ADD CONSTRAINT \`FK_c775f03aaffefcda4834e694dbd\` FOREIGN KEY (\`target_id\`) REFERENCES \`plan_target\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_target_quota\` ADD CONSTRAINT \`FK_f0f387ba80c7bdc6460cbe61557\` FOREIGN KEY (\`unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan\` ADD CONSTRAINT \`FK_79568250805fafae73464c47f37\` FOREIGN KEY (\`scope_unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan\` ADD CONSTRAINT \`FK_c863917c22ba9b9c801c747c00a\` FOREIGN KEY (\`issuer_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` ADD CONSTRAINT \`FK_8444df6c3072b3b0526826e732c\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` ADD CONSTRAINT \`FK_c64c58f3a45e0e99e4ba1564dbd\` FOREIGN KEY (\`unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` ADD CONSTRAINT \`FK_aab7dc24149b6e20aed60efe479\` FOREIGN KEY (\`district_unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` ADD CONSTRAINT \`FK_7ff01d22e3c745c95e8686abf01\` FOREIGN KEY (\`carried_over_from_id\`) REFERENCES \`roadmap_entry\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_group\` ADD CONSTRAINT \`FK_3759d3ff8d0168655bdc410549a\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task\` ADD CONSTRAINT \`FK_861fe9e94ad32e4f9b010e2cf48\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task\` ADD CONSTRAINT \`FK_465a127df1ace09f377dd2eef6f\` FOREIGN KEY (\`group_id\`) REFERENCES \`task_group\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task\` ADD CONSTRAINT \`FK_5b12d07794e1d6428696b35fd7e\` FOREIGN KEY (\`parent_id\`) REFERENCES \`task\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task\` ADD CONSTRAINT \`FK_00593e7fe81cd1292ac4fb0aa30\` FOREIGN KEY (\`lead_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task\` ADD CONSTRAINT \`FK_3ff851dca148346cd32ad93797f\` FOREIGN KEY (\`target_id\`) REFERENCES \`plan_target\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_cooperator\` ADD CONSTRAINT \`FK_a49e3e1bf27d0547531443b8789\` FOREIGN KEY (\`task_id\`) REFERENCES \`task\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_cooperator\` ADD CONSTRAINT \`FK_df9dcc267388eda5b6ae41468ec\` FOREIGN KEY (\`org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_unit\` ADD CONSTRAINT \`FK_1c230a6aad28b70ead5be61980b\` FOREIGN KEY (\`task_id\`) REFERENCES \`task\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_unit\` ADD CONSTRAINT \`FK_d1afbce87fb5a0dcdcd39cb52e9\` FOREIGN KEY (\`unit_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`admin_unit\` ADD CONSTRAINT \`FK_935d81d6d54dde998988d6eef39\` FOREIGN KEY (\`parent_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`admin_unit\` ADD CONSTRAINT \`FK_0dd0b3dbd0513fbcd9e75ee95ed\` FOREIGN KEY (\`successor_id\`) REFERENCES \`admin_unit\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`admin_unit\` DROP FOREIGN KEY \`FK_0dd0b3dbd0513fbcd9e75ee95ed\``);
    await queryRunner.query(`ALTER TABLE \`admin_unit\` DROP FOREIGN KEY \`FK_935d81d6d54dde998988d6eef39\``);
    await queryRunner.query(`ALTER TABLE \`task_unit\` DROP FOREIGN KEY \`FK_d1afbce87fb5a0dcdcd39cb52e9\``);
    await queryRunner.query(`ALTER TABLE \`task_unit\` DROP FOREIGN KEY \`FK_1c230a6aad28b70ead5be61980b\``);
    await queryRunner.query(
      `ALTER TABLE \`task_cooperator\` DROP FOREIGN KEY \`FK_df9dcc267388eda5b6ae41468ec\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_cooperator\` DROP FOREIGN KEY \`FK_a49e3e1bf27d0547531443b8789\``,
    );
    await queryRunner.query(`ALTER TABLE \`task\` DROP FOREIGN KEY \`FK_3ff851dca148346cd32ad93797f\``);
    await queryRunner.query(`ALTER TABLE \`task\` DROP FOREIGN KEY \`FK_00593e7fe81cd1292ac4fb0aa30\``);
    await queryRunner.query(`ALTER TABLE \`task\` DROP FOREIGN KEY \`FK_5b12d07794e1d6428696b35fd7e\``);
    await queryRunner.query(`ALTER TABLE \`task\` DROP FOREIGN KEY \`FK_465a127df1ace09f377dd2eef6f\``);
    await queryRunner.query(`ALTER TABLE \`task\` DROP FOREIGN KEY \`FK_861fe9e94ad32e4f9b010e2cf48\``);
    await queryRunner.query(`ALTER TABLE \`task_group\` DROP FOREIGN KEY \`FK_3759d3ff8d0168655bdc410549a\``);
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` DROP FOREIGN KEY \`FK_7ff01d22e3c745c95e8686abf01\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` DROP FOREIGN KEY \`FK_aab7dc24149b6e20aed60efe479\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` DROP FOREIGN KEY \`FK_c64c58f3a45e0e99e4ba1564dbd\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`roadmap_entry\` DROP FOREIGN KEY \`FK_8444df6c3072b3b0526826e732c\``,
    );
    await queryRunner.query(`ALTER TABLE \`plan\` DROP FOREIGN KEY \`FK_c863917c22ba9b9c801c747c00a\``);
    await queryRunner.query(`ALTER TABLE \`plan\` DROP FOREIGN KEY \`FK_79568250805fafae73464c47f37\``);
    await queryRunner.query(
      `ALTER TABLE \`plan_target_quota\` DROP FOREIGN KEY \`FK_f0f387ba80c7bdc6460cbe61557\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_target_quota\` DROP FOREIGN KEY \`FK_c775f03aaffefcda4834e694dbd\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_target\` DROP FOREIGN KEY \`FK_c93eef6287013798fffbd706d42\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_target\` DROP FOREIGN KEY \`FK_7a8cea69ae4e59c9d9e8f03f718\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`organization\` DROP FOREIGN KEY \`FK_15acafd6698ac846c6b6a6a50ec\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`organization\` DROP FOREIGN KEY \`FK_6a6cced3641ae4eb00c9244db38\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_allocation\` DROP FOREIGN KEY \`FK_4e67e71735fd700f47181f50419\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`funding_allocation\` DROP FOREIGN KEY \`FK_a7009b08ef22df2cd89cc336c04\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`recognition\` DROP FOREIGN KEY \`FK_2a7c46f814a54726d8b81664f1a\``,
    );
    await queryRunner.query(`ALTER TABLE \`indicator\` DROP FOREIGN KEY \`FK_3fe45fa18dd544e0a6cba8d7c22\``);
    await queryRunner.query(`ALTER TABLE \`criterion\` DROP FOREIGN KEY \`FK_cf5c7ad5c340519a3a05c0ed8a1\``);
    await queryRunner.query(
      `ALTER TABLE \`criteria_set\` DROP FOREIGN KEY \`FK_9fae728c02c1620313dcdd0eb20\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment_indicator\` DROP FOREIGN KEY \`FK_a789994546b872c928047a7d6b3\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`assessment_indicator\` DROP FOREIGN KEY \`FK_a8e2d9968dd89bcd6b8cec31ff9\``,
    );
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP FOREIGN KEY \`FK_990ae7f380025d2e39c0c838519\``);
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP FOREIGN KEY \`FK_011a9eb8eb09755aee0a9deceb3\``);
    await queryRunner.query(`ALTER TABLE \`assessment\` DROP FOREIGN KEY \`FK_f6b4165317a264e80913f221ca2\``);
    await queryRunner.query(`DROP INDEX \`uq_admin_unit_code_valid_from\` ON \`admin_unit\``);
    await queryRunner.query(`DROP INDEX \`ix_admin_unit_path\` ON \`admin_unit\``);
    await queryRunner.query(`DROP INDEX \`ix_admin_unit_parent\` ON \`admin_unit\``);
    await queryRunner.query(`DROP INDEX \`ix_admin_unit_name_folded\` ON \`admin_unit\``);
    await queryRunner.query(`DROP TABLE \`admin_unit\``);
    await queryRunner.query(`DROP INDEX \`ix_task_unit_unit\` ON \`task_unit\``);
    await queryRunner.query(`DROP TABLE \`task_unit\``);
    await queryRunner.query(`DROP INDEX \`ix_task_cooperator_org\` ON \`task_cooperator\``);
    await queryRunner.query(`DROP TABLE \`task_cooperator\``);
    await queryRunner.query(`DROP INDEX \`uq_task_code\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_task_due\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_task_plan_due\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_task_lead\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_task_group\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_task_parent\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_task_path\` ON \`task\``);
    await queryRunner.query(`DROP INDEX \`ix_task_status_due\` ON \`task\``);
    await queryRunner.query(`DROP TABLE \`task\``);
    await queryRunner.query(`DROP TABLE \`reference_source\``);
    await queryRunner.query(`DROP INDEX \`uq_task_group_ord\` ON \`task_group\``);
    await queryRunner.query(`DROP TABLE \`task_group\``);
    await queryRunner.query(`DROP INDEX \`ix_roadmap_entry_plan\` ON \`roadmap_entry\``);
    await queryRunner.query(`DROP INDEX \`ix_roadmap_entry_unit\` ON \`roadmap_entry\``);
    await queryRunner.query(`DROP TABLE \`roadmap_entry\``);
    await queryRunner.query(`DROP INDEX \`uq_plan_number_issued_on\` ON \`plan\``);
    await queryRunner.query(`DROP INDEX \`ix_plan_year\` ON \`plan\``);
    await queryRunner.query(`DROP TABLE \`plan\``);
    await queryRunner.query(`DROP INDEX \`uq_plan_target_quota\` ON \`plan_target_quota\``);
    await queryRunner.query(`DROP TABLE \`plan_target_quota\``);
    await queryRunner.query(`DROP INDEX \`uq_plan_target_code\` ON \`plan_target\``);
    await queryRunner.query(`DROP TABLE \`plan_target\``);
    await queryRunner.query(`DROP INDEX \`uq_organization_code\` ON \`organization\``);
    await queryRunner.query(`DROP INDEX \`ix_organization_unit\` ON \`organization\``);
    await queryRunner.query(`DROP INDEX \`ix_organization_name_folded\` ON \`organization\``);
    await queryRunner.query(`DROP TABLE \`organization\``);
    await queryRunner.query(`DROP INDEX \`ix_funding_plan\` ON \`funding_allocation\``);
    await queryRunner.query(`DROP INDEX \`ix_funding_unit\` ON \`funding_allocation\``);
    await queryRunner.query(`DROP TABLE \`funding_allocation\``);
    await queryRunner.query(`DROP INDEX \`ix_recognition_unit\` ON \`recognition\``);
    await queryRunner.query(`DROP INDEX \`ix_recognition_level_year\` ON \`recognition\``);
    await queryRunner.query(`DROP TABLE \`recognition\``);
    await queryRunner.query(`DROP INDEX \`uq_indicator_code\` ON \`indicator\``);
    await queryRunner.query(`DROP TABLE \`indicator\``);
    await queryRunner.query(`DROP INDEX \`uq_criterion_no\` ON \`criterion\``);
    await queryRunner.query(`DROP TABLE \`criterion\``);
    await queryRunner.query(`DROP INDEX \`uq_criteria_set_code\` ON \`criteria_set\``);
    await queryRunner.query(`DROP TABLE \`criteria_set\``);
    await queryRunner.query(`DROP INDEX \`uq_assessment_indicator\` ON \`assessment_indicator\``);
    await queryRunner.query(`DROP TABLE \`assessment_indicator\``);
    await queryRunner.query(`DROP INDEX \`uq_assessment\` ON \`assessment\``);
    await queryRunner.query(`DROP INDEX \`ix_assessment_criterion\` ON \`assessment\``);
    await queryRunner.query(`DROP TABLE \`assessment\``);
  }
}
