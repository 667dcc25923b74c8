import assert from 'node:assert/strict';
import type { TemplateVersionView } from '../../server/src/protocol';
import { formatTemplateDocument, parseTemplateDocument } from '../../extension/src/templates/templateDocument';

const version = (extra: Partial<TemplateVersionView> = {}): TemplateVersionView => ({
  name: 'backend/express-route',
  category: 'backend',
  version: 3,
  labels: ['production', 'stable'],
  source: 'builtin',
  createdAt: '2025-02-01T09:30:00.000Z',
  changeNote: 'Initial import',
  text: 'Build the route {{task_title}}.\n\n{{dependencies}}\n',
  systemPrompt: 'You write Express routes.',
  variables: [
    { name: 'task_title', description: 'the title', required: true },
    { name: 'dependencies', description: 'what came before', required: false },
  ],
  ...extra,
});

/** The parsed version; fails the test if the document was refused. */
function parsed(text: string) {
  const result = parseTemplateDocument(text);
  assert.ok(result.ok, `expected the document to parse, got: ${result.ok ? '' : result.reason}`);
  return result.version;
}

/** The refusal; fails the test if the document parsed. */
function refused(text: string): string {
  const result = parseTemplateDocument(text);
  assert.equal(result.ok, false, `expected the document to be refused:\n${text}`);
  const reason = result.ok ? '' : result.reason;
  assert.match(reason, /^Cannot save the template: .*\.$/s);
  return reason;
}

describe('template document', () => {
  describe('format', () => {
    it('opens with a fence, a comment naming the version, the header, a fence, then the text', () => {
      const document = formatTemplateDocument(version(), 'view');
      const lines = document.split('\n');
      assert.equal(lines[0], '---');
      assert.equal(lines[1], '# backend/express-route v3 (production, stable), read-only.');
      assert.ok(document.endsWith('---\nBuild the route {{task_title}}.\n\n{{dependencies}}\n'));
      assert.ok(!document.includes('changeNote'), 'a read-only view has nothing to note');
    });

    it('says "no labels" for a version without any', () => {
      assert.match(formatTemplateDocument(version({ labels: [] }), 'view'), /v3 \(no labels\), read-only/);
    });

    it('offers an empty change note when editing, and explains what saving does', () => {
      const document = formatTemplateDocument(version(), 'edit');
      assert.match(document, /^# backend\/express-route, edited from v3\. Saving adds a new version/m);
      assert.match(document, /^changeNote: ""$/m);
      assert.match(document, /^editedFrom: 3$/m);
    });
  });

  describe('round trip', () => {
    it('keeps text, system prompt and variables, with the default change note', () => {
      for (const purpose of ['view', 'edit'] as const) {
        assert.deepEqual(parsed(formatTemplateDocument(version(), purpose)), {
          text: 'Build the route {{task_title}}.\n\n{{dependencies}}\n',
          systemPrompt: 'You write Express routes.',
          variables: [
            { name: 'task_title', description: 'the title', required: true },
            { name: 'dependencies', description: 'what came before', required: false },
          ],
          changeNote: 'Edited in VS Code',
          // Only the edit document knows which version it started from.
          ...(purpose === 'edit' ? { basedOn: 3 } : {}),
        });
      }
    });

    it('keeps text that has --- lines of its own later in the body', () => {
      const text = 'Intro\n---\nfront: matter\n---\n\n```yaml\n---\nkey: value\n```\n---';
      assert.equal(parsed(formatTemplateDocument(version({ text }), 'edit')).text, text);
    });

    it('keeps a system prompt with --- lines, quotes, colons and a trailing newline', () => {
      for (const systemPrompt of ['---', 'a\n---\nb', 'say "hi": now\n', '# not a comment', "it's: {x}"]) {
        assert.equal(parsed(formatTemplateDocument(version({ systemPrompt }), 'edit')).systemPrompt, systemPrompt);
      }
    });

    it('keeps a missing system prompt and an empty variable list', () => {
      const result = parsed(formatTemplateDocument(version({ systemPrompt: null, variables: [] }), 'edit'));
      assert.equal(result.systemPrompt, null);
      assert.deepEqual(result.variables, []);
    });

    it('keeps leading and trailing whitespace of the text', () => {
      const text = '\n  indented first line\n\n';
      assert.equal(parsed(formatTemplateDocument(version({ text }), 'edit')).text, text);
    });

    it('takes the change note the user wrote, trimmed', () => {
      const document = formatTemplateDocument(version(), 'edit').replace(
        'changeNote: ""',
        'changeNote: "  Shorter prompt  "',
      );
      assert.equal(parsed(document).changeNote, 'Shorter prompt');
    });

    it('uses the default change note for a blank or absent one', () => {
      assert.equal(parsed('---\nchangeNote: "   "\n---\nbody\n').changeNote, 'Edited in VS Code');
      assert.equal(parsed('---\nchangeNote:\n---\nbody\n').changeNote, 'Edited in VS Code');
      assert.equal(parsed('---\n---\nbody\n').changeNote, 'Edited in VS Code');
    });

    it('reads a CRLF document like an LF one', () => {
      const lf = formatTemplateDocument(version(), 'edit');
      assert.deepEqual(parsed(lf.replace(/\n/g, '\r\n')), parsed(lf));
    });
  });

  describe('variables', () => {
    it('defaults a missing description to empty and a missing required to true', () => {
      assert.deepEqual(parsed('---\nvariables:\n  - name: topic\n---\nAbout {{topic}}\n').variables, [
        { name: 'topic', description: '', required: true },
      ]);
    });

    it('drops fields a variable does not have', () => {
      assert.deepEqual(
        parsed('---\nvariables:\n  - name: topic\n    required: false\n    default: x\n---\nbody\n').variables,
        [{ name: 'topic', description: '', required: false }],
      );
    });

    it('refuses variables that are not a list, naming the expected shape', () => {
      assert.match(refused('---\nvariables: {topic: 1}\n---\nbody\n'), /variables must be a list/);
      assert.match(refused('---\nvariables: topic\n---\nbody\n'), /variables must be a list/);
    });

    it('refuses a bad variable, naming its index and the problem', () => {
      assert.match(refused('---\nvariables:\n  - name: a\n  - topic\n---\nb\n'), /variables\[1\] must be \{ name/);
      assert.match(refused('---\nvariables:\n  - description: x\n---\nb\n'), /variables\[0\] needs a name/);
      assert.match(refused('---\nvariables:\n  - name: ""\n---\nb\n'), /variables\[0\] needs a name/);
      assert.match(refused('---\nvariables:\n  - name: 5\n---\nb\n'), /variables\[0\] needs a name/);
      assert.match(
        refused('---\nvariables:\n  - name: a\n    description: [x]\n---\nb\n'),
        /variables\[0\]\.description must be text/,
      );
      assert.match(
        refused('---\nvariables:\n  - name: a\n    required: "yes"\n---\nb\n'),
        /variables\[0\]\.required must be true or false/,
      );
    });
  });

  describe('errors', () => {
    it('refuses a document without the opening fence', () => {
      assert.match(refused('systemPrompt: x\n---\nbody\n'), /must start with a "---" line/);
      assert.match(refused(' ---\nsystemPrompt: x\n---\nbody\n'), /must start with a "---" line/);
      assert.match(refused(''), /must start with a "---" line/);
    });

    it('refuses a header that is never closed', () => {
      assert.match(refused('---\nsystemPrompt: x\nbody text\n'), /header is not closed/);
      assert.match(refused('---\nsystemPrompt: x\n--- \nbody\n'), /header is not closed/);
    });

    it('names the line of a YAML syntax error as the editor counts it, once', () => {
      // Line 1 is the opening fence, so the header's second line is line 3 of the document.
      const duplicate = refused('---\nsystemPrompt: a\nsystemPrompt: b\n---\nbody\n');
      assert.match(duplicate, /line 3 \(in the header\): Map keys must be unique/);
      assert.ok(!/line 2/.test(duplicate), `a single line number: ${duplicate}`);
      const quote = refused('---\nchangeNote: ok\nsystemPrompt: "unclosed\n---\nbody\n');
      assert.match(quote, /line \d+ \(in the header\): Missing closing "?quote/);
      const comment = formatTemplateDocument(version(), 'edit').replace('changeNote: ""', 'changeNote: a: b');
      const line = comment.split('\n').findIndex((text) => text.startsWith('changeNote')) + 1;
      assert.match(refused(comment), new RegExp(`line ${line} \\(in the header\\): Nested mappings`));
    });

    it('refuses an alias without its anchor instead of throwing', () => {
      assert.match(refused('---\nsystemPrompt: *missing\n---\nbody\n'), /the header cannot be read: .*alias/i);
    });

    it('refuses a header that is not key: value lines', () => {
      assert.match(refused('---\n- systemPrompt\n---\nbody\n'), /must be "key: value" lines/);
      assert.match(refused('---\njust words\n---\nbody\n'), /must be "key: value" lines/);
    });

    it('refuses an unknown field, naming it and the known ones', () => {
      const reason = refused('---\nsystemPrompt: x\ntitle: New\n---\nbody\n');
      assert.match(reason, /unknown header field "title"; use systemPrompt, variables, changeNote, editedFrom/);
    });

    it('refuses an editedFrom that is not a version number', () => {
      const document = formatTemplateDocument(version(), 'edit').replace('editedFrom: 3', 'editedFrom: latest');
      assert.match(refused(document), /editedFrom must be the version number the edit started from/);
    });

    it('refuses a system prompt or change note that is not text', () => {
      assert.match(refused('---\nsystemPrompt: 5\n---\nbody\n'), /systemPrompt must be text, or null/);
      assert.match(refused('---\nsystemPrompt: [a]\n---\nbody\n'), /systemPrompt must be text/);
      assert.match(refused('---\nchangeNote: true\n---\nbody\n'), /changeNote must be text/);
    });

    it('accepts a null system prompt as none', () => {
      assert.equal(parsed('---\nsystemPrompt: null\n---\nbody\n').systemPrompt, null);
      assert.equal(parsed('---\nsystemPrompt:\n---\nbody\n').systemPrompt, null);
    });

    it('refuses an empty or blank prompt text', () => {
      assert.match(refused('---\nsystemPrompt: x\n---\n'), /prompt text after the header is empty/);
      assert.match(refused('---\nsystemPrompt: x\n---\n  \n\n'), /prompt text after the header is empty/);
      assert.match(refused('---\r\nsystemPrompt: x\r\n---\r\n\r\n'), /prompt text after the header is empty/);
    });
  });
});
