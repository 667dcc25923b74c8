/**
 * Logic-less `{{variable}}` rendering. One pass: a value is inserted literally and never
 * rendered again (a value containing `{{x}}` stays text), a missing required variable is an
 * error that names it, and anything unknown is reported rather than silently ignored.
 */
import { TakossError } from '../errors';

export interface TemplateVariable {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

export const VARIABLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

export class TemplateRenderError extends TakossError {
  constructor(
    readonly template: string,
    readonly missing: readonly string[],
  ) {
    super(
      'usage',
      `Template "${template}" needs ${missing.map((name) => `{{${name}}}`).join(', ')}: ` +
        `give ${missing.length === 1 ? 'a value' : 'values'} for ${missing.join(', ')}.`,
    );
    this.name = 'TemplateRenderError';
  }
}

export interface RenderResult {
  readonly text: string;
  /** Placeholders in the text that are not declared (left as they were). */
  readonly undeclaredPlaceholders: readonly string[];
  /** Values given for variables the template does not declare (ignored). */
  readonly unusedValues: readonly string[];
}

/** The placeholders a text uses, in order of first use. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

export function renderTemplate(
  templateName: string,
  text: string,
  variables: readonly TemplateVariable[],
  values: Readonly<Record<string, string | undefined>>,
): RenderResult {
  const declared = new Map(variables.map((variable) => [variable.name, variable]));
  const missing = variables
    .filter((variable) => variable.required && (values[variable.name] === undefined || values[variable.name] === ''))
    .map((variable) => variable.name);
  if (missing.length > 0) throw new TemplateRenderError(templateName, missing);
  const undeclared = new Set<string>();
  // A replacer function inserts each value as is: `$&` and `{{…}}` inside values stay literal.
  const rendered = text.replace(PLACEHOLDER, (whole, name: string) => {
    if (!declared.has(name)) {
      undeclared.add(name);
      return whole;
    }
    return values[name] ?? '';
  });
  return {
    text: rendered,
    undeclaredPlaceholders: [...undeclared],
    unusedValues: Object.keys(values).filter((name) => !declared.has(name) && values[name] !== undefined),
  };
}
