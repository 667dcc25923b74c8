import * as vscode from 'vscode';
import { TemplateSetLabelRequest, TemplateVersionsRequest } from '../../../server/src/protocol';
import type { CommandContext } from './commandContext';
import { chooseTemplate, reportFailure } from './commandTargets';

/** Takoss: Set as Production — points a template's `production` label at a version; new chains use it. */
export function setProductionVersion({ backend, log, refreshTemplates }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseTemplate(backend, argument, 'Set Production Version');
      if (!target) return;
      const version = target.version ?? (await pickVersion(backend, target.name));
      if (version === undefined) return;
      const updated = await backend.send(TemplateSetLabelRequest, { name: target.name, version, label: 'production' });
      refreshTemplates();
      void vscode.window.showInformationMessage(`Takoss: ${updated.name} v${updated.version} is now production.`);
    } catch (error) {
      await reportFailure(log, 'Set Production Version', error);
    }
  };
}

async function pickVersion(backend: CommandContext['backend'], name: string): Promise<number | undefined> {
  const versions = await backend.send(TemplateVersionsRequest, { name });
  const picked = await vscode.window.showQuickPick(
    [...versions]
      .sort((a, b) => b.version - a.version)
      .map((version) => ({
        label: `v${version.version}`,
        description: [...version.labels, version.source, version.createdAt.slice(0, 10)].join(' · '),
        detail: version.changeNote ?? undefined,
        version: version.version,
      })),
    { title: `Set production version of ${name}` },
  );
  return picked?.version;
}
