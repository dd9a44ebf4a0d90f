import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recovery observations keep only what was assessed (an item left out is null, not a default), and a
 * discharge signature keeps the statement its signer confirmed.
 */
export class SignatureStatement1764512000000 implements MigrationInterface {
  name = 'SignatureStatement1764512000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['moaas', 'oriented', 'steady_gait', 'nausea', 'pain']) {
      await queryRunner.query(`ALTER TABLE "recovery_observations" ALTER COLUMN "${column}" DROP NOT NULL`);
    }
    await queryRunner.query(`ALTER TABLE "signatures" ADD "statement" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "signatures" DROP COLUMN "statement"`);
    // Rows without an item cannot go back under NOT NULL; they keep their nulls and the columns stay nullable.
  }
}
