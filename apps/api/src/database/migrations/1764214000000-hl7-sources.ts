import type { MigrationInterface, QueryRunner } from 'typeorm';

/** HL7 v2 sources registered as devices, and the control ids each has sent (a resend is filed once). */
export class Hl7Sources1764214000000 implements MigrationInterface {
  name = 'Hl7Sources1764214000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "devices" ADD "hl7_application" text, ADD "hl7_facility" text, ADD "hl7_eui64" text, ADD "hl7_bed" text`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_devices_hl7_eui64" ON "devices" ("hl7_application", "hl7_facility", "hl7_eui64") WHERE "hl7_eui64" IS NOT NULL AND "revoked_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_devices_hl7_bed" ON "devices" ("hl7_application", "hl7_facility", "hl7_bed") WHERE "hl7_bed" IS NOT NULL AND "revoked_at" IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "hl7_messages" (
        "device_id" uuid NOT NULL,
        "control_id" text NOT NULL,
        "content_hash" character(64) NOT NULL,
        "first_seq" bigint NOT NULL,
        "reading_count" integer NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_hl7_messages" PRIMARY KEY ("device_id", "control_id"),
        CONSTRAINT "uq_hl7_messages_first_seq" UNIQUE ("device_id", "first_seq"),
        CONSTRAINT "FK_hl7_messages_device" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE RESTRICT
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hl7_messages"`);
    await queryRunner.query(`DROP INDEX "uq_devices_hl7_bed"`);
    await queryRunner.query(`DROP INDEX "uq_devices_hl7_eui64"`);
    await queryRunner.query(
      `ALTER TABLE "devices" DROP COLUMN "hl7_bed", DROP COLUMN "hl7_eui64", DROP COLUMN "hl7_facility", DROP COLUMN "hl7_application"`,
    );
  }
}
