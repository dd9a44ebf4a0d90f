import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DevicesService } from '../devices/devices.service.js';
import { ReadingsService } from '../readings/readings.service.js';
import { SignatureRow } from '../discharge/discharge.entities.js';
import { SessionStory, signatureView } from '../discharge/session-story.js';
import type { Session } from '../sessions/session.entity.js';
import { type Resource } from './vital-signs.js';
import { sessionBundle } from './session-bundle.js';

/** Gathers a session's record and writes it as a FHIR R4 Bundle. */
@Injectable()
export class FhirExport {
  constructor(
    private readonly readings: ReadingsService,
    private readonly alerts: AlertsService,
    private readonly story: SessionStory,
    private readonly devices: DevicesService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** `maxPoints` downsamples the readings as the trend does (peaks kept); without it every reading is in. */
  async bundleOf(
    session: Session,
    user: AuthUser,
    maxPoints: number | undefined,
  ): Promise<{ bundle: Resource; points: number }> {
    const [trend, alerts, observations, signature, device] = await Promise.all([
      this.readings.trend(session.id, { maxPoints: maxPoints ?? Number.MAX_SAFE_INTEGER }),
      this.alerts.listForSession(session.id),
      this.story.observations(session.id),
      this.dataSource.getRepository(SignatureRow).findOneBy({ sessionId: session.id }),
      this.devices.findForUser(session.deviceId, user),
    ]);
    const bundle = sessionBundle(
      {
        session: {
          id: session.id,
          siteId: session.siteId,
          patientRef: session.patientRef,
          chair: session.chair,
          phase: session.phase,
          createdAt: session.createdAt.toISOString(),
          endedAt: session.endedAt?.toISOString() ?? null,
        },
        device: { id: device.id, name: device.name, eui64: device.hl7Eui64 },
        readings: trend.readings,
        alerts,
        observations,
        signature: signature ? signatureView(signature) : null,
      },
      new Date(),
    );
    return { bundle, points: trend.readings.length };
  }
}
