import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './processes';

/** axe-core's browser build, injected into the page under test (nothing is fetched from anywhere). */
let source: string | undefined;
const axeSource = () => (source ??= readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core (WCAG 2 A/AA and best-practice rules) on the page as it is now and fails with a
 * readable list when any violation is serious or critical. `what` names the page in the failure.
 */
export async function expectNoSeriousAxeViolations(page: Page, what = page.url()): Promise<void> {
  // Evaluated, not added as a <script>: the page's Content-Security-Policy forbids inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.slice(0, 5).map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    const lines = serious.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.replace(/\n/g, ' ')).join('\n'),
    );
    throw new Error(`axe found ${serious.length} serious or critical violation(s) on ${what}:\n${lines.join('\n')}`);
  }
}
