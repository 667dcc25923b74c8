import * as vscode from 'vscode';
import { TemplateAnalyticsRequest } from '../../../server/src/protocol';
import { templateAnalyticsReport } from '../templates/analyticsReport';
import type { CommandContext } from './commandContext';
import { chooseTemplate, reportFailure } from './commandTargets';

/** Takoss: Show Template Analytics — runs, success rate, latency, tokens and cost per version, as a preview. */
export function showTemplateAnalytics({ backend, log, reports }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseTemplate(backend, argument, 'Show Template Analytics');
      if (!target) return;
      const analytics = await backend.send(TemplateAnalyticsRequest, { name: target.name });
      const uri = reports.hold(`${target.name} analytics.md`, templateAnalyticsReport(analytics));
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch (error) {
      await reportFailure(log, 'Show Template Analytics', error);
    }
  };
}
