import type { ProtocolView } from '#contracts';
import type { ProtocolRules } from '#vitals';
import type { Protocol } from './protocol.entity.js';

/** A protocol version as REST returns it, its rules whole. */
export const toProtocolView = (protocol: Protocol): ProtocolView<ProtocolRules> => ({
  id: protocol.id,
  key: protocol.key,
  version: protocol.version,
  name: protocol.name,
  route: protocol.route,
  rules: protocol.rules,
  createdBy: protocol.createdBy,
  createdAt: protocol.createdAt.toISOString(),
});
