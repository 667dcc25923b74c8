/**
 * A template version as a text document: YAML front matter for the parts around the prompt
 * (system prompt, variables, change note), then the prompt text itself. The same format is
 * shown read-only for a version and edited to make a new one, and parsing reports the line
 * and the fix, so a bad save keeps the document dirty and loses nothing. Pure; unit-tested.
 */
import type * as Yaml from 'yaml';
import type { NewVersionParams, TemplateVariableView, TemplateVersionView } from '../../../server/src/protocol';

/**
 * The YAML library, loaded the first time a template document is shown or saved: it is a
 * good part of the extension bundle, and loading it with the extension would slow every
 * activation for something most sessions never open. (The bundle keeps it; esbuild only
 * defers running it until this `require`.)
 */
let yaml: typeof Yaml | undefined;
function loadYaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  yaml ??= require('yaml') as typeof Yaml;
  return yaml;
}

const FENCE = '---';

export function formatTemplateDocument(version: TemplateVersionView, purpose: 'view' | 'edit'): string {
  const header = {
    systemPrompt: version.systemPrompt ?? null,
    variables: version.variables.map(({ name, description, required }) => ({ name, description, required })),
    // The save is refused if production has moved on since (another window, the CLI).
    ...(purpose === 'edit' ? { changeNote: '', editedFrom: version.version } : {}),
  };
  const comment =
    purpose === 'edit'
      ? `# ${version.name}, edited from v${version.version}. Saving adds a new version and makes it production.\n` +
        '# Variables are {{name}} placeholders in the text below; every one must be declared here.\n'
      : `# ${version.name} v${version.version} (${version.labels.join(', ') || 'no labels'}), read-only.\n`;
  return `${FENCE}\n${comment}${loadYaml().stringify(header, { lineWidth: 0 })}${FENCE}\n${version.text}`;
}

const HEADER_FIELDS = ['systemPrompt', 'variables', 'changeNote', 'editedFrom'];

export type ParsedTemplateDocument =
  | { readonly ok: true; readonly version: Omit<NewVersionParams, 'name'> }
  | { readonly ok: false; readonly reason: string };

export function parseTemplateDocument(text: string): ParsedTemplateDocument {
  const normalized = text.replace(/\r\n/g, '\n');
  if (!normalized.startsWith(`${FENCE}\n`)) {
    return fail('the document must start with a "---" line that opens the header; undo your edit of the first line');
  }
  const end = normalized.indexOf(`\n${FENCE}\n`, FENCE.length);
  if (end < 0) return fail('the header is not closed: put a line with "---" between the header and the prompt text');
  const headerText = normalized.slice(FENCE.length + 1, end + 1);
  const body = normalized.slice(end + FENCE.length + 2);
  const document = loadYaml().parseDocument(headerText);
  const yamlError = document.errors[0];
  if (yamlError) {
    // `linePos` counts from the header's first line; +1 for the opening fence gives the line the
    // editor shows. YAML's own "at line N, column M" counts from the header, so it is dropped.
    const line = (yamlError.linePos?.[0].line ?? 0) + 1;
    const problem = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return fail(`line ${line} (in the header): ${problem || 'invalid YAML'}`);
  }
  let header: unknown;
  try {
    header = document.toJS() ?? {};
  } catch (error) {
    // An alias without its anchor, or too many aliases: reported, not thrown at the save.
    return fail(`the header cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail('the header must be "key: value" lines (systemPrompt, variables, changeNote)');
  }
  const fields = header as Record<string, unknown>;
  const unknownKey = Object.keys(fields).find((key) => !HEADER_FIELDS.includes(key));
  if (unknownKey) return fail(`unknown header field "${unknownKey}"; use ${HEADER_FIELDS.join(', ')}`);
  const editedFrom = fields.editedFrom;
  if (!isAbsent(editedFrom) && !(Number.isInteger(editedFrom) && (editedFrom as number) > 0)) {
    return fail('editedFrom must be the version number the edit started from');
  }
  if (!isAbsent(fields.systemPrompt) && typeof fields.systemPrompt !== 'string') {
    return fail('systemPrompt must be text, or null for none');
  }
  if (!isAbsent(fields.changeNote) && typeof fields.changeNote !== 'string') return fail('changeNote must be text');
  const variables = parseVariables(fields.variables);
  if (typeof variables === 'string') return fail(variables);
  if (body.trim() === '') return fail('the prompt text after the header is empty');
  const changeNote = typeof fields.changeNote === 'string' ? fields.changeNote.trim() : '';
  return {
    ok: true,
    version: {
      text: body,
      systemPrompt: typeof fields.systemPrompt === 'string' ? fields.systemPrompt : null,
      variables,
      changeNote: changeNote || 'Edited in VS Code',
      ...(typeof editedFrom === 'number' ? { basedOn: editedFrom } : {}),
    },
  };
}

function parseVariables(value: unknown): TemplateVariableView[] | string {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) return 'variables must be a list of { name, description, required }';
  const variables: TemplateVariableView[] = [];
  for (const [index, item] of value.entries()) {
    const where = `variables[${index}]`;
    if (typeof item !== 'object' || item === null) return `${where} must be { name, description, required }`;
    const { name, description, required } = item as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') return `${where} needs a name`;
    if (!isAbsent(description) && typeof description !== 'string') return `${where}.description must be text`;
    if (!isAbsent(required) && typeof required !== 'boolean') return `${where}.required must be true or false`;
    variables.push({
      name,
      description: typeof description === 'string' ? description : '',
      required: typeof required === 'boolean' ? required : true,
    });
  }
  return variables;
}

/** YAML leaves an omitted value undefined and an empty one null; both mean "not given". */
const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined;

function fail(reason: string): ParsedTemplateDocument {
  return { ok: false, reason: `Cannot save the template: ${reason}.` };
}
