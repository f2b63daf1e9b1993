import type { Report } from '../../report/report.js';
import type { Colors } from '../colors.js';
import type { FormatName } from '../outputs.js';
import { renderHtml } from './html/page.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import { visibleReport } from './visible.js';

/** What the CLI knows when it renders; each renderer takes the parts it needs. */
export interface RenderContext {
  /** Colours for the text report: on only when it goes to a terminal. */
  colors: Colors;
  verbose: boolean;
  quiet: boolean;
  diffLines: number;
  /** Terminal width for the text report. */
  width: number;
  /** The exit code the verdict gives, recorded in SARIF's invocation. */
  exitCode: number;
}

/**
 * One renderer per format, pure: the same report gives the same bytes. Text,
 * markdown and html print strings as they are, so they get them made visible.
 */
export const renderers: Record<FormatName, (report: Report, ctx: RenderContext) => string> = {
  text: (report, ctx) => renderText(visibleReport(report), ctx),
  json: (report) => renderJson(report),
  sarif: (report, ctx) => renderSarif(report, { exitCode: ctx.exitCode, verbose: ctx.verbose }),
  markdown: (report, ctx) => renderMarkdown(visibleReport(report), { verbose: ctx.verbose, diffLines: ctx.diffLines }),
  html: (report) => renderHtml(visibleReport(report)),
};
