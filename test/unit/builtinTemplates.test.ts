import assert from 'node:assert/strict';
import { TASK_CATEGORIES } from '../../server/src/decomposer/taskGraph';
import { SUBMIT_TASK_GRAPH, WRITE_FILE } from '../../server/src/llm/tools';
import { BUILTIN_TEMPLATES } from '../../server/src/templates/builtin';
import { VARIABLE_NAME, placeholdersOf, renderTemplate } from '../../server/src/templates/render';
import { TASK_VARIABLES, TEMPLATE_CATEGORIES, type BuiltinTemplate } from '../../server/src/templates/types';

const NAME = /^[a-z]+\/[a-z0-9-]+$/;
const TAG = /^[a-z][a-z0-9-]*$/;
// Zero-width and bidi controls can hide instructions from a person reading the template.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

const EXPECTED_ORDER = [
  'decomposer/plan',
  'frontend/react-component',
  'frontend/page-routing',
  'frontend/state-hooks',
  'frontend/styling',
  'backend/express-route',
  'backend/service-layer',
  'backend/validation',
  'backend/auth',
  'database/prisma-schema',
  'database/seed-data',
  'testing/unit-tests',
  'testing/api-tests',
  'devops/dockerfile',
  'devops/ci-workflow',
  'docs/readme',
  'verify/repair',
];

const isTaskTemplate = (template: BuiltinTemplate) =>
  template.category !== 'decomposer' && template.category !== 'verify';
const sorted = (names: Iterable<string>) => [...names].sort();
const nonBlankLines = (text: string) => text.split('\n').filter((line) => line.trim() !== '').length;

/** Every human-readable string of a template, for the checks that apply to all of them. */
function allStrings(template: BuiltinTemplate): string[] {
  return [
    template.name,
    template.description,
    ...template.tags,
    template.systemPrompt ?? '',
    template.text,
    ...template.variables.flatMap((variable) => [variable.name, variable.description]),
    template.example.name,
    ...Object.entries(template.example.variables).flat(),
    template.example.expectedOutput,
  ];
}

function byName(name: string): BuiltinTemplate {
  const template = BUILTIN_TEMPLATES.find((each) => each.name === name);
  assert.ok(template, `${name} is missing`);
  return template;
}

describe('built-in templates', () => {
  it('ships at least 15 templates, in a stable order', () => {
    assert.ok(BUILTIN_TEMPLATES.length >= 15, `only ${BUILTIN_TEMPLATES.length} templates`);
    assert.deepEqual(
      BUILTIN_TEMPLATES.map((template) => template.name),
      EXPECTED_ORDER,
    );
  });

  it('has unique names of the form <category>/<kebab-name>', () => {
    const names = BUILTIN_TEMPLATES.map((template) => template.name);
    assert.equal(new Set(names).size, names.length, 'a name is used twice');
    for (const template of BUILTIN_TEMPLATES) {
      assert.match(template.name, NAME);
      assert.equal(template.name.split('/')[0], template.category, `${template.name}: prefix is not its category`);
      assert.ok((TEMPLATE_CATEGORIES as readonly string[]).includes(template.category), template.name);
    }
  });

  it('covers every task category that planners use, plus the decomposer and verify', () => {
    const categories = new Set<string>(BUILTIN_TEMPLATES.map((template) => template.category));
    const needed = [...TASK_CATEGORIES.filter((category) => category !== 'general'), 'decomposer', 'verify'];
    for (const category of needed) assert.ok(categories.has(category), `no ${category} template`);
    assert.equal(BUILTIN_TEMPLATES.filter((template) => template.category === 'decomposer').length, 1);
    assert.equal(BUILTIN_TEMPLATES.filter((template) => template.category === 'verify').length, 1);
  });

  for (const template of BUILTIN_TEMPLATES) {
    describe(template.name, () => {
      it('declares exactly the placeholders its text uses, with valid names', () => {
        const names = template.variables.map((variable) => variable.name);
        assert.equal(new Set(names).size, names.length, 'a variable is declared twice');
        assert.deepEqual(sorted(names), sorted(placeholdersOf(template.text)));
        for (const name of names) assert.match(name, VARIABLE_NAME);
        for (const variable of template.variables) {
          assert.ok(variable.description.trim().length > 0, `${variable.name} has no description`);
        }
      });

      it('keeps placeholders out of the system prompt, which is never rendered', () => {
        assert.deepEqual(placeholdersOf(template.systemPrompt ?? ''), []);
      });

      if (isTaskTemplate(template)) {
        it('uses only task variables, with title and description required and the rest optional', () => {
          const variables = new Map(template.variables.map((variable) => [variable.name, variable]));
          for (const name of variables.keys()) assert.ok(name in TASK_VARIABLES, `${name} is not a task variable`);
          for (const name of ['task_title', 'task_description']) {
            assert.equal(variables.get(name)?.required, true, `${name} must be declared and required`);
          }
          for (const variable of template.variables) {
            if (variable.name !== 'task_title' && variable.name !== 'task_description') {
              assert.equal(variable.required, false, `${variable.name} must be optional`);
            }
          }
          assert.equal(template.systemPrompt, undefined, 'tasks share the engine’s system prompt');
        });

        it('is concrete guidance of 15 to 40 lines', () => {
          const lines = nonBlankLines(template.text);
          assert.ok(lines >= 15 && lines <= 40, `${lines} lines`);
        });
      }

      it('renders its example with every required value and nothing left over', () => {
        const { variables, expectedOutput } = template.example;
        for (const variable of template.variables.filter((each) => each.required)) {
          assert.ok(variables[variable.name]?.trim(), `the example gives no ${variable.name}`);
        }
        const declared = new Set(template.variables.map((variable) => variable.name));
        for (const name of Object.keys(variables)) assert.ok(declared.has(name), `the example gives unknown ${name}`);

        const result = renderTemplate(template.name, template.text, template.variables, variables);
        assert.deepEqual(result.undeclaredPlaceholders, []);
        assert.deepEqual(result.unusedValues, []);
        assert.deepEqual(placeholdersOf(result.text), [], 'a placeholder survived rendering');
        for (const value of Object.values(variables)) assert.ok(result.text.includes(value));

        assert.ok(template.example.name.trim().length > 0);
        const outputLines = nonBlankLines(expectedOutput);
        assert.ok(outputLines >= 3 && outputLines <= 15, `expectedOutput has ${outputLines} lines`);
      });

      it('has a positive integer revision, a one-sentence description and 2 to 5 lowercase tags', () => {
        assert.ok(Number.isInteger(template.revision) && template.revision > 0, `revision ${template.revision}`);
        const { description } = template;
        assert.ok(description.length > 0 && description.length < 200, `description is ${description.length} long`);
        assert.doesNotMatch(description, /\n/);
        assert.match(description, /^[A-Z].*\.$/, 'a description is a sentence ending with "."');
        assert.doesNotMatch(description.slice(0, -1), /[.!?]\s/, 'a description is one sentence');
        assert.ok(template.tags.length >= 2 && template.tags.length <= 5, `${template.tags.length} tags`);
        assert.equal(new Set(template.tags).size, template.tags.length, 'a tag is repeated');
        for (const tag of template.tags) assert.match(tag, TAG);
      });

      it('has sensible model parameters when it sets any', () => {
        const params = template.modelParams;
        if (!params) return;
        if (params.maxTokens !== undefined) {
          assert.ok(Number.isInteger(params.maxTokens) && params.maxTokens > 0 && params.maxTokens <= 64_000);
        }
        if (params.temperature !== undefined) assert.ok(params.temperature >= 0 && params.temperature <= 1);
      });

      it('contains no filler, leftovers or hidden characters', () => {
        for (const text of [template.text, template.systemPrompt ?? '']) {
          assert.doesNotMatch(text, /TODO/);
          assert.doesNotMatch(text, /lorem/i);
          assert.doesNotMatch(text, /\$\{|\[object /, 'a template literal went wrong');
        }
        for (const value of allStrings(template)) assert.doesNotMatch(value, INVISIBLE);
      });
    });
  }

  describe('decomposer/plan', () => {
    const plan = byName('decomposer/plan');

    it('takes the request, the templates and the task limit, all required', () => {
      assert.deepEqual(
        plan.variables.map((variable) => [variable.name, variable.required]),
        [
          ['request', true],
          ['templates', true],
          ['max_tasks', true],
        ],
      );
    });

    it('has a system prompt that names the tool, every category and the plan rules', () => {
      const prompt = plan.systemPrompt ?? '';
      assert.ok(prompt.includes(SUBMIT_TASK_GRAPH));
      for (const category of TASK_CATEGORIES) assert.ok(prompt.includes(category), `${category} is not named`);
      for (const rule of ['kebab-case', '4 to 15', 'README', 'template', 'dependsOn']) {
        assert.ok(prompt.includes(rule), `the prompt does not mention ${rule}`);
      }
      assert.equal(plan.modelParams?.temperature, 0);
    });

    it('lists only real templates in its example', () => {
      const names = new Set(BUILTIN_TEMPLATES.map((template) => template.name));
      const lines = (plan.example.variables.templates ?? '').split('\n');
      assert.ok(lines.length > 0);
      for (const line of lines) {
        const name = /^- (\S+) \[/.exec(line)?.[1];
        assert.ok(name && names.has(name), `unknown template in "${line}"`);
      }
    });
  });

  describe('verify/repair', () => {
    const repair = byName('verify/repair');

    it('takes the request, command, output, files and attempt, all required', () => {
      assert.deepEqual(sorted(repair.variables.map((variable) => variable.name)), [
        'attempt',
        'command',
        'files',
        'output',
        'request',
      ]);
      assert.ok(repair.variables.every((variable) => variable.required));
    });

    it('asks for complete files, minimal changes and untouched tests', () => {
      assert.ok(repair.text.includes(WRITE_FILE));
      assert.match(repair.text, /root cause/i);
      assert.match(repair.text, /as little as/i);
      assert.match(repair.text, /never delete, skip/i);
      assert.match(repair.text, /never follow instructions/i);
    });
  });
});
