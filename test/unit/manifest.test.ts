import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CommandIds } from '../../extension/src/commands/commandIds';
import { z } from 'zod';
import { DEFAULT_CONFIG, SETTING_KEYS, resolveConfig, settingSchemas } from '../../server/src/config';
import { REPO_ROOT } from '../helpers/paths';
import { activateWithShim } from '../helpers/vscodeShim';

interface Manifest {
  name: string;
  displayName: string;
  main: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  activationEvents: string[];
  devDependencies: Record<string, string>;
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    walkthroughs: {
      id: string;
      steps: { id: string; media: { markdown: string }; completionEvents: string[] }[];
    }[];
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    configuration: {
      properties: Record<
        string,
        {
          default: unknown;
          minimum?: number;
          maximum?: number;
          enum?: unknown[];
          enumDescriptions?: string[];
          markdownDescription?: string;
          description?: string;
        }
      >;
    };
  };
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const contributedCommands = manifest.contributes.commands.map((command) => command.command).sort();

describe('the extension manifest (package.json)', () => {
  it('is the Takoss extension for VS Code 1.100, with types pinned to match', () => {
    assert.equal(manifest.name, 'takoss');
    assert.equal(manifest.displayName, 'Takoss');
    assert.equal(manifest.engines.vscode, '^1.100.0');
    assert.equal(manifest.devDependencies['@types/vscode'], '1.100.0');
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.bin.takoss, './dist/cli.js');
  });

  it('contributes the Takoss activity-bar container with the Templates and Chains views', () => {
    const container = manifest.contributes.viewsContainers.activitybar.find((entry) => entry.id === 'takoss');
    assert.ok(container);
    assert.equal(container.title, 'Takoss');
    assert.ok(existsSync(path.join(REPO_ROOT, container.icon)), `icon ${container.icon} exists`);
    assert.deepEqual(
      manifest.contributes.views.takoss?.map((view) => [view.id, view.name]),
      [
        ['takoss.templates', 'Templates'],
        ['takoss.chains', 'Chains'],
      ],
    );
  });

  it('shows "Takoss: Build App" in the command palette', () => {
    const build = manifest.contributes.commands.find((command) => command.command === 'takoss.buildApp');
    assert.equal(`${build?.category}: ${build?.title}`, 'Takoss: Build App');
  });

  it('contributes exactly the commands the extension knows', () => {
    assert.deepEqual(contributedCommands, Object.values(CommandIds).sort());
  });

  it('registers every contributed command on activation, and nothing else', () => {
    const bundle = path.join(REPO_ROOT, manifest.main);
    assert.ok(existsSync(bundle), `${manifest.main} is missing: run npm run build first (npm test does)`);
    const activation = activateWithShim(bundle);
    assert.deepEqual([...activation.commands].sort(), contributedCommands);
    assert.deepEqual([...activation.treeDataProviders].sort(), ['takoss.chains', 'takoss.templates']);
    assert.ok(activation.subscriptions.length >= activation.commands.length, 'every registration is owned');
  });

  it('declares every backend setting with a description, and the same default and bounds as the backend', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(properties).sort(), SETTING_KEYS.map((key) => `takoss.${key}`).sort());
    for (const key of SETTING_KEYS) {
      const property = properties[`takoss.${key}`]!;
      assert.ok((property.markdownDescription ?? property.description ?? '').length > 20, `${key} is described`);
      assert.deepEqual(property.default, DEFAULT_CONFIG[key], `${key} default`);
      if (property.minimum !== undefined) {
        assert.doesNotThrow(() => resolveConfig({ explicit: { [key]: property.minimum } }), `${key} minimum accepted`);
        assert.throws(
          () => resolveConfig({ explicit: { [key]: property.minimum! - 1 } }),
          `${key} below minimum refused`,
        );
      }
      if (property.maximum !== undefined) {
        assert.doesNotThrow(() => resolveConfig({ explicit: { [key]: property.maximum } }), `${key} maximum accepted`);
        assert.throws(
          () => resolveConfig({ explicit: { [key]: property.maximum! + 1 } }),
          `${key} above maximum refused`,
        );
      }
    }
  });

  it('offers exactly the values of each enum setting, each one described', () => {
    const properties = manifest.contributes.configuration.properties;
    for (const key of SETTING_KEYS) {
      const schema: z.ZodType = settingSchemas[key];
      const property = properties[`takoss.${key}`]!;
      if (!(schema instanceof z.ZodEnum)) {
        assert.equal(property.enum, undefined, `${key} is not an enum in the backend`);
        continue;
      }
      assert.deepEqual(property.enum, schema.options, `${key} offers the backend's values, in order`);
      assert.equal(property.enumDescriptions?.length, schema.options.length, `${key} describes every value`);
      assert.ok(
        (property.enumDescriptions ?? []).every((text) => text.length > 20),
        `${key} values are described`,
      );
      assert.throws(() => resolveConfig({ explicit: { [key]: 'sometimes' } }), `${key} refuses other values`);
    }
  });

  it("says that verify runs the generated project's own code, and that repairs cost money", () => {
    const properties = manifest.contributes.configuration.properties;
    const verify = properties['takoss.verify']!;
    const maxRepairs = properties['takoss.maxRepairs']!;
    for (const text of [verify.markdownDescription ?? '', ...(verify.enumDescriptions ?? []).slice(0, 2)]) {
      assert.match(text, /project's own/);
      assert.match(text, /install, build and test/);
    }
    assert.match(maxRepairs.markdownDescription ?? '', /Claude call that costs money/);
    assert.match(maxRepairs.markdownDescription ?? '', /budget/);
  });

  it('supports untrusted workspaces only in part, ignoring their values of every Takoss setting', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual([...untrusted.restrictedConfigurations].sort(), SETTING_KEYS.map((key) => `takoss.${key}`).sort());
  });

  it('activates lazily: on its views, commands and restored documents, never at start-up', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
    assert.deepEqual([...manifest.activationEvents].sort(), [
      'onFileSystem:takoss-context',
      'onFileSystem:takoss-template',
      'onView:takoss.chains',
      'onView:takoss.templates',
    ]);
  });

  it('puts only contributed commands in menus, and their item menus on context values the views produce', () => {
    const menus = manifest.contributes.menus;
    const produced = [
      'chain.live',
      'chain.finished',
      'task',
      'task.retryable',
      'task.written',
      'task.retryable.written',
    ];
    produced.push('file', 'template', 'templateVersion', 'templateVersion.production');
    for (const [menu, entries] of Object.entries(menus)) {
      for (const entry of entries) {
        assert.ok(contributedCommands.includes(entry.command), `${menu}: ${entry.command} is contributed`);
        for (const [, value] of (entry.when ?? '').matchAll(/viewItem == ([\w.]+)/g)) {
          assert.ok(produced.includes(value!), `${menu}: ${entry.command} waits for context value "${value}"`);
        }
      }
    }
    const itemMenu = menus['view/item/context'] ?? [];
    const shownFor = (command: string, contextValue: string) =>
      itemMenu.some(
        (entry) =>
          entry.command === command &&
          (entry.when ?? '').split('&&').some((clause) => {
            const equal = /viewItem == ([\w.]+)/.exec(clause);
            const regex = /viewItem =~ \/(.+)\//.exec(clause);
            return equal ? equal[1] === contextValue : regex ? new RegExp(regex[1]!).test(contextValue) : false;
          }),
      );
    assert.ok(shownFor('takoss.retryTask', 'task.retryable'));
    assert.ok(shownFor('takoss.retryTask', 'task.retryable.written'));
    assert.ok(!shownFor('takoss.retryTask', 'task.written'));
    assert.ok(shownFor('takoss.cancelChain', 'chain.live'));
    assert.ok(!shownFor('takoss.cancelChain', 'chain.finished'));
    assert.ok(shownFor('takoss.cleanupChain', 'chain.finished'));
    assert.ok(shownFor('takoss.setProductionVersion', 'templateVersion'));
    assert.ok(!shownFor('takoss.setProductionVersion', 'templateVersion.production'));
  });

  it('has a Getting Started walkthrough whose steps exist and run contributed commands', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough);
    assert.deepEqual(
      walkthrough.steps.map((step) => step.id),
      ['startServices', 'setApiKey', 'buildApp'],
    );
    for (const step of walkthrough.steps) {
      assert.ok(existsSync(path.join(REPO_ROOT, step.media.markdown)), `${step.media.markdown} exists`);
      for (const event of step.completionEvents) {
        assert.ok(contributedCommands.includes(event.replace('onCommand:', '')), `${step.id}: ${event}`);
      }
    }
  });
});
