import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunningApp } from '../support/app';
import { useApp } from '../support/harness';
import { ROOT } from '../support/processes';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * A route as docs/api.md writes it (see its "How routes are written"): the method, then the path as
 * served less the `/api/v1` prefix, with `:name` for a parameter.
 */
function routeOf(method: string, openApiPath: string): string {
  const served = openApiPath.replace(/^\/api\/v1(?=\/)/, '').replace(/\{([^}]+)\}/g, ':$1');
  return `${method.toUpperCase()} ${served}`;
}

/** Every route docs/api.md documents: a table row whose first cell is the route in backticks. */
function documentedRoutes(markdown: string): Set<string> {
  const routes = new Set<string>();
  for (const [, route] of markdown.matchAll(/^\| `((?:GET|PUT|POST|DELETE|PATCH) \/\S*)` +\|/gm)) routes.add(route!);
  return routes;
}

/** Served, documented, and deliberately left out of the OpenAPI document. */
const OUTSIDE_OPENAPI = ['GET /metrics'];

describe('docs/api.md against the OpenAPI document', () => {
  let app: RunningApp;
  useApp({}, (started) => ({ app } = started));

  it('documents every route the service serves, and none it does not', async () => {
    const response = await fetch(`${app.url}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    const served = new Set<string>();
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const method of METHODS) if (operations[method]) served.add(routeOf(method, route));
    }
    expect(served.size).toBeGreaterThan(40);

    const documented = documentedRoutes(await fs.readFile(path.join(ROOT, 'docs/api.md'), 'utf8'));
    const missing = [...served].filter((route) => !documented.has(route)).sort();
    const unknown = [...documented].filter((route) => !served.has(route) && !OUTSIDE_OPENAPI.includes(route)).sort();
    expect({ missingFromDocs: missing, documentedButNotServed: unknown }).toEqual({
      missingFromDocs: [],
      documentedButNotServed: [],
    });
  });
});
