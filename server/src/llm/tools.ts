/**
 * The two tools through which Claude gives Takoss structured output (DESIGN.md §3.3).
 * Their names and input shapes are a public contract: outside tests script them.
 */
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { TASK_CATEGORIES } from '../decomposer/taskGraph';

export const SUBMIT_TASK_GRAPH = 'submit_task_graph';
export const WRITE_FILE = 'write_file';

export const submitTaskGraphTool: Tool = {
  name: SUBMIT_TASK_GRAPH,
  description:
    'Submit the plan: the small, concrete tasks that together build the requested project, ' +
    'with the dependencies between them. Tasks without a dependency between them run in parallel.',
  input_schema: {
    type: 'object',
    properties: {
      tasks: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: {
              type: 'string',
              pattern: '^[a-z0-9][a-z0-9-]{0,63}$',
              description: 'Short kebab-case id, unique in the plan.',
            },
            title: { type: 'string', description: 'What the task produces, in a few words.' },
            description: {
              type: 'string',
              description:
                'Exactly what to build: files, interfaces, behaviour, and what it relies on from its dependencies.',
            },
            category: { type: 'string', enum: [...TASK_CATEGORIES] },
            template: { type: 'string', description: 'Name of the prompt template that fits the task, if one does.' },
            dependsOn: {
              type: 'array',
              items: { type: 'string' },
              description:
                'Ids of the tasks whose output this task needs. Only real needs: fewer edges mean more parallelism.',
            },
          },
          required: ['id', 'title', 'description', 'category', 'dependsOn'],
        },
      },
    },
    required: ['tasks'],
  },
};

export const writeFileTool: Tool = {
  name: WRITE_FILE,
  description:
    'Write one complete file into the project. `path` is relative to the project root and uses "/". ' +
    'Call once per file, with the whole content; never partial content or placeholders.',
  input_schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Project-relative path, e.g. "src/App.tsx".' },
      content: { type: 'string', description: 'The complete content of the file.' },
    },
    required: ['path', 'content'],
  },
};
