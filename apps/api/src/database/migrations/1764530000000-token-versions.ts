import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ending access at once: a version per user that every access token carries (bumped on a password
 * change, a deactivation, a sign-out everywhere), and the tokens signed out one by one until they expire.
 */
export class TokenVersions1764530000000 implements MigrationInterface {
  name = 'TokenVersions1764530000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "token_version" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `CREATE TABLE "revoked_tokens" ("jti" uuid NOT NULL, "user_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_revoked_tokens_jti" PRIMARY KEY ("jti"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_revoked_tokens_expires_at" ON "revoked_tokens" ("expires_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "revoked_tokens"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
  }
}
