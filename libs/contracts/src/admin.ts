/** REST responses of administration (docs/api.md, "Administration"): sites, devices, protocols. */

/** `GET /sites`, `POST /sites`, `PATCH /sites/:id`. */
export interface SiteView {
  id: string;
  name: string;
  /** IANA time zone: the printable record and the signature statement give times in it. */
  timezone: string;
  createdAt: string;
}

/** How a monitor that reports over HL7 v2 through a gateway is known. */
export interface Hl7SourceView {
  sendingApplication: string;
  sendingFacility: string | null;
  eui64: string | null;
  bed: string | null;
}

/** `GET /devices`, `POST /devices/:id/revoke`. Never a token. */
export interface DeviceView {
  id: string;
  siteId: string;
  name: string;
  /** `null` for a socket device. */
  hl7Source: Hl7SourceView | null;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

/** `POST /devices`: the token is shown in this response only; `null` for an HL7 source. */
export interface CreatedDevice extends DeviceView {
  token: string | null;
}

/**
 * `GET /protocols`, `POST /protocols`. `Rules` is the rules: the service knows them whole
 * (`ProtocolRules` of libs/vitals), the dashboard reads the parts it draws.
 */
export interface ProtocolView<Rules = Record<string, unknown>> {
  id: string;
  key: string;
  version: number;
  name: string;
  route: 'iv' | 'intranasal';
  rules: Rules;
  createdBy: string | null;
  createdAt: string;
}
