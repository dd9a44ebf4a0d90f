import type { SiteView } from '#contracts';
import type { Site } from './site.entity.js';

/** A site as REST returns it. */
export const toSiteView = (site: Site): SiteView => ({
  id: site.id,
  name: site.name,
  timezone: site.timezone,
  createdAt: site.createdAt.toISOString(),
});
