import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CLINICAL.md "Refinements (2026-11-30)" as new protocol versions: for every protocol key, its newest
 * version again with `bpRise.bpPlausibility` (implausible cuff readings need confirming) and
 * `signalLost.sensorSeconds` / `.cuffIntervalMinutes` (per-parameter technical alerts). Earlier
 * versions stay as they are, so sessions started on them keep their rules.
 */
export class ProtocolRefinements1764200000000 implements MigrationInterface {
  name = 'ProtocolRefinements1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO "protocols" ("key", "version", "name", "route", "rules")
       SELECT DISTINCT ON ("key") "key", "version" + 1, "name", "route",
              "rules" || jsonb_build_object(
                'bpRise', ("rules"->'bpRise') || '{"bpPlausibility": true}'::jsonb,
                'signalLost', ("rules"->'signalLost') || '{"sensorSeconds": 60, "cuffIntervalMinutes": 5}'::jsonb)
         FROM "protocols"
        ORDER BY "key", "version" DESC`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM "protocols" p
        WHERE "created_by" IS NULL AND "rules"->'bpRise' ? 'bpPlausibility'
          AND NOT EXISTS (SELECT 1 FROM "sessions" s WHERE s."protocol_id" = p."id")`,
    );
  }
}
