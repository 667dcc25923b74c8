/**
 * The questions "Takoss: Build App" asks: the request (typed, or one of the recent ones) and
 * the options (concurrency, model, budget, template collection) with defaults from settings.
 */
import * as vscode from 'vscode';
import { CollectionsListRequest, type StartChainParams } from '../../../server/src/protocol';
import type { BackendClient } from '../backend/backendClient';
import { MIN_REQUEST_LENGTH, MODEL_ID } from './buildAppArguments';

const HISTORY_KEY = 'takoss.requestHistory';
const HISTORY_SIZE = 20;

export type BuildOptions = Pick<StartChainParams, 'concurrency' | 'model' | 'budgetUsd' | 'collection'>;

/** A typed request or a recent one; undefined when the user cancels. */
export async function askRequest(state: vscode.Memento): Promise<string | undefined> {
  const history = state.get<string[]>(HISTORY_KEY, []);
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.title = 'Takoss: Build App';
  pick.placeholder = 'Describe the app, e.g. "Build a Todo app with React and Express"';
  pick.ignoreFocusOut = true;
  const recent = history.map((label) => ({ label, description: 'recent' }));
  const refresh = () => {
    const typed = pick.value.trim();
    const description =
      typed.length < MIN_REQUEST_LENGTH ? 'say a little more: what app, with which stack?' : 'build this';
    pick.items = typed ? [{ label: typed, description }, ...recent.filter((item) => item.label !== typed)] : recent;
  };
  refresh();
  const chosen = await new Promise<string | undefined>((resolve) => {
    pick.onDidChangeValue(refresh);
    pick.onDidAccept(() => {
      const label = pick.selectedItems[0]?.label ?? pick.value.trim();
      if (label.length >= MIN_REQUEST_LENGTH) {
        resolve(label);
        pick.hide();
      }
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (chosen)
    await state.update(HISTORY_KEY, [chosen, ...history.filter((item) => item !== chosen)].slice(0, HISTORY_SIZE));
  return chosen;
}

interface OptionItem extends vscode.QuickPickItem {
  readonly option: 'start' | 'concurrency' | 'model' | 'budget' | 'collection';
}

/** The build options, starting from settings; the user may change any before starting. */
export async function askOptions(backend: BackendClient): Promise<BuildOptions | undefined> {
  let options = defaultOptions();
  for (;;) {
    const items: OptionItem[] = [
      { option: 'start', label: '$(rocket) Start the build', description: describe(options) },
      { option: 'concurrency', label: 'Concurrency', description: `${options.concurrency} tasks at a time` },
      { option: 'model', label: 'Model', description: options.model },
      { option: 'budget', label: 'Budget', description: options.budgetUsd ? `$${options.budgetUsd}` : 'no limit' },
      { option: 'collection', label: 'Template collection', description: options.collection ?? 'production templates' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Takoss: Build options',
      placeHolder: 'Start, or change an option first',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.option === 'start') return options;
    const changed = await changeOption(backend, picked.option, options);
    if (changed) options = changed;
  }
}

/** The options from settings, before the user changes any. */
export function defaultOptions(): BuildOptions {
  const settings = vscode.workspace.getConfiguration('takoss');
  return {
    concurrency: settings.get<number>('concurrency', 4),
    model: settings.get<string>('model', 'claude-sonnet-5-5'),
  };
}

function describe(options: BuildOptions): string {
  const budget = options.budgetUsd ? `budget $${options.budgetUsd}` : 'no budget';
  return `${options.concurrency} at a time · ${options.model} · ${budget}${options.collection ? ` · ${options.collection}` : ''}`;
}

async function changeOption(
  backend: BackendClient,
  option: Exclude<OptionItem['option'], 'start'>,
  options: BuildOptions,
): Promise<BuildOptions | undefined> {
  switch (option) {
    case 'concurrency': {
      const value = await vscode.window.showInputBox({
        title: 'Concurrency',
        prompt: 'How many tasks may run at the same time (1–64)',
        value: String(options.concurrency),
        validateInput: (text) =>
          /^\d+$/.test(text) && +text >= 1 && +text <= 64 ? undefined : 'A whole number from 1 to 64.',
      });
      return value === undefined ? undefined : { ...options, concurrency: Number(value) };
    }
    case 'model': {
      const value = await vscode.window.showInputBox({
        title: 'Model',
        prompt: 'The Claude model for planning and tasks',
        value: options.model,
        validateInput: (text) => (MODEL_ID.test(text) ? undefined : 'A model id such as claude-sonnet-5-5.'),
      });
      return value === undefined ? undefined : { ...options, model: value };
    }
    case 'budget': {
      const value = await vscode.window.showInputBox({
        title: 'Budget',
        prompt: 'Stop starting new tasks once the chain has spent this many US dollars; empty for no limit',
        value: options.budgetUsd ? String(options.budgetUsd) : '',
        validateInput: (text) =>
          text.trim() === '' || (Number.isFinite(+text) && +text > 0)
            ? undefined
            : 'A positive amount such as 0.50, or empty.',
      });
      if (value === undefined) return undefined;
      const { budgetUsd: _previous, ...rest } = options;
      return value.trim() === '' ? rest : { ...rest, budgetUsd: Number(value) };
    }
    case 'collection': {
      const collections = await backend.request(CollectionsListRequest);
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'Production templates', description: 'the production version of every template', name: undefined },
          ...collections.map((collection) => ({
            label: collection.name,
            description: `${collection.templates.length} templates`,
            detail: collection.description,
            name: collection.name,
          })),
        ],
        { title: 'Template collection', placeHolder: 'Which templates render the tasks' },
      );
      if (!picked) return undefined;
      const { collection: _previous, ...rest } = options;
      return picked.name ? { ...rest, collection: picked.name } : rest;
    }
  }
}
