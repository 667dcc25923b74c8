/**
 * Loads the built extension bundle outside VS Code with a recording stand-in for the
 * `vscode` module, so a unit test can run the real `activate` and see what it registers.
 * It answers every property and call with another stand-in and records only what tests
 * ask about. The real-editor tests (test/e2e) check the same in a real VS Code.
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';

export interface ActivationRecord {
  readonly commands: string[];
  readonly treeDataProviders: string[];
  readonly subscriptions: unknown[];
}

type Recorder = (path: string, args: unknown[]) => void;

function standIn(path: string, record: Recorder): unknown {
  const target = function standInFunction() {};
  const assigned = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    set(_target, property, value) {
      assigned.set(property, value);
      return true;
    },
    get(_target, property) {
      if (assigned.has(property)) return assigned.get(property);
      if (property === 'then') return undefined; // not a promise
      if (property === Symbol.toPrimitive) return () => `<${path}>`;
      if (property === Symbol.iterator) return undefined;
      return standIn(`${path}.${String(property)}`, record);
    },
    apply(_target, _this, args: unknown[]) {
      record(path, args);
      return standIn(`${path}()`, record);
    },
    construct(_target, args: unknown[]) {
      record(`new ${path}`, args);
      return standIn(`new ${path}`, record) as object;
    },
  });
}

/**
 * The bundle reads `vscode` through esbuild's ESM interop, which copies the module's own
 * property names; so the stand-in module lists every name that @types/vscode exports.
 */
function standInModule(record: Recorder): Record<string, unknown> {
  const declarations = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const names = new Set(
    [...declarations.matchAll(/^\s*export (?:namespace|class|enum|const|function|let) (\w+)/gm)].map(
      (match) => match[1]!,
    ),
  );
  return Object.fromEntries([...names].map((name) => [name, standIn(`vscode.${name}`, record)]));
}

interface ModuleWithLoad {
  _load(this: void, request: string, parent: unknown, isMain: boolean): unknown;
}

export function activateWithShim(bundlePath: string): ActivationRecord {
  const record: ActivationRecord = { commands: [], treeDataProviders: [], subscriptions: [] };
  const recorder: Recorder = (path, args) => {
    if (path === 'vscode.commands.registerCommand') record.commands.push(String(args[0]));
    if (path === 'vscode.window.registerTreeDataProvider') record.treeDataProviders.push(String(args[0]));
  };
  const vscode = standInModule(recorder);
  const loader = Module as unknown as ModuleWithLoad;
  const originalLoad = loader._load;
  loader._load = (request, parent, isMain) => (request === 'vscode' ? vscode : originalLoad(request, parent, isMain));
  try {
    const resolved = require.resolve(bundlePath);
    delete require.cache[resolved];
    const extension = require(resolved) as { activate(context: unknown): unknown };
    extension.activate({
      subscriptions: record.subscriptions,
      secrets: standIn('context.secrets', recorder),
      extensionUri: standIn('context.extensionUri', recorder),
    });
    return record;
  } finally {
    loader._load = originalLoad;
  }
}
