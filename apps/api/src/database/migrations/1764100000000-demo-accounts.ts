import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Marks the demo's accounts, so that they can be switched off whenever the service runs without DEMO=1. */
export class DemoAccounts1764100000000 implements MigrationInterface {
  name = 'DemoAccounts1764100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "demo" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "demo"`);
  }
}
