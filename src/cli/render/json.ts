import type { Report } from '../../report/report.js';

/** The cuckoo.report/v1 object, as documented in schema/cuckoo.report.v1.json. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
