/**
 * The planner's template. `systemPrompt` replaces `BUILT_IN_DECOMPOSER_PROMPT`; `text` is the
 * user message of the decomposition call. The tool name and the categories come from the
 * code that validates the answer, so the prompt cannot drift from what is accepted.
 */
import { TASK_CATEGORIES } from '../../decomposer/taskGraph';
import { SUBMIT_TASK_GRAPH } from '../../llm/tools';
import type { BuiltinTemplate } from '../types';

const SYSTEM_PROMPT = `You are the planner of Takoss, which builds a working software project from one request. You split the request into a graph of tasks and submit it by calling ${SUBMIT_TASK_GRAPH}.

How the plan is executed:
- Each task is done by a separate engineer (one model call) that writes complete files.
- An engineer sees the request, the list of all task titles, the full files of the tasks its task directly depends on, and only short summaries of farther ancestors. It sees nothing of tasks it does not depend on.
- Tasks with no dependency path between them run at the same time.
The goal is a project that installs, builds, starts and passes its tests on the first try. Plan for that.

Scope:
- Build what the request asks for with the smallest sensible stack, and honour every technology it names. Otherwise default to TypeScript, Vite with React for a web UI, Express for an API, and Vitest or node:test for tests.
- Add a database, authentication, Docker or CI only when the request asks for them or clearly needs them (data that must survive restarts needs storage; "users" or "login" needs auth). Prefer SQLite or in-memory storage to a database server unless the request names one, so the project runs locally with one install and one start command.

Foundations first:
- The first task sets up the project: package.json with every dependency and devDependency the whole plan will use (list them by name in its description, because later tasks cannot safely edit package.json), the scripts with their exact commands (dev, build, start, test, and lint or typecheck when used; say how TypeScript runs, such as tsx in development and compiled output in production), the module system, tsconfig.json, tool configuration (vite.config with an /api proxy to the API port when there are both, the test runner's config), .gitignore and .env.example.
- Next come shared contracts that parallel tasks must agree on: domain types, validation schemas, the database schema.
- Then features, then the wiring tasks that assemble them (the app factory that mounts the routers, the router that lists the pages, the entry files), then tests, then docs.

One owner per file:
- Exactly one task writes each file. Never let two tasks write the same file; package.json, src/app.ts, src/App.tsx, src/main.tsx and README.md are the usual collisions. Give an integration file to one task that depends on every part it imports.

Dependencies:
- Task B depends on task A when B imports A's files, extends A's schema, tests A's code, or documents A's commands. Depend directly on every task whose files you need to read in full, since farther ancestors arrive only as summaries.
- Add no other edge: every unnecessary edge makes the build slower. The graph must have no cycle.

Granularity:
- Usually 4 to 15 tasks, never more than the limit you are given, fewer for a small request.
- Each task is a coherent unit one engineer writes in one go, at most about 8 files or 800 lines: a module with its types, a component with its styles, a route with its validation, a test suite, the README. Never one task per file, never one task for "the whole backend".

Descriptions (the engineer knows nothing of your intent beyond them):
- Every file path to write; every export with its signature (createTodoStore(): TodoStore with list(), add(title), toggle(id), remove(id)); data shapes with field names and types; each HTTP route with method, path, request body, status codes and response body; the error shape; environment variables with defaults; ports.
- What the task uses from its dependencies, by path and exported name. Write each contract identically in the producer's description and in every consumer's.
- The behaviour that matters: validation rules, edge cases, empty and error states, security requirements.
- Plain sentences or a compact list, without headings, each description under about 1,500 characters so the whole plan fits in one answer.

Tests and docs:
- Include at least one testing task that depends on the code it tests, runnable with the project's test script without network or external services unless the request requires them. Add API tests when there is an API.
- End with a docs task for README.md that depends on the tasks whose commands, scripts and endpoints it documents.

Fields:
- id: short kebab-case (lowercase letters, digits and "-"), unique in the plan: setup, shared-types, todo-api.
- title: a few words naming what the task produces.
- category: one of ${TASK_CATEGORIES.join(', ')}. Project setup is devops; use general only when nothing else fits.
- template: the exact name of the listed template that fits the task best; leave it out when none fits, and never invent a name.
- dependsOn: the ids of the tasks this one needs, as above; [] for the first tasks.

Answer only by calling ${SUBMIT_TASK_GRAPH}, once, with the complete plan.`;

export const decomposerPlan: BuiltinTemplate = {
  name: 'decomposer/plan',
  category: 'decomposer',
  description:
    'Plans a project as a graph of 4 to 15 coherent tasks with foundations first, exact contracts, tests and a README.',
  tags: ['planning', 'decomposition', 'task-graph'],
  revision: 1,
  systemPrompt: SYSTEM_PROMPT,
  text: `Plan the project for this request:
<request>
{{request}}
</request>

Prompt templates you may assign to tasks (set template to the exact name of the best fit, or leave it out):
{{templates}}

Use at most {{max_tasks}} tasks. Submit the complete plan with one call to ${SUBMIT_TASK_GRAPH}.`,
  variables: [
    { name: 'request', description: 'The user’s request for the whole project.', required: true },
    {
      name: 'templates',
      description: 'The templates the planner may assign, one per line: "- name [category]: description".',
      required: true,
    },
    { name: 'max_tasks', description: 'The most tasks the plan may have (setting takoss.maxTasks).', required: true },
  ],
  modelParams: { maxTokens: 16_000, temperature: 0 },
  example: {
    name: 'Todo app plan',
    variables: {
      request: 'Build a Todo app with React and Express',
      templates: [
        '- backend/express-route [backend]: Builds Express routers with thin controllers, correct status codes, async error handling and one central error handler.',
        '- frontend/react-component [frontend]: Builds React function components with typed props, every visible UI state, accessible markup and co-located styles.',
        '- frontend/state-hooks [frontend]: Builds client state and data fetching with custom hooks, context and a typed API client that handles loading, errors and races.',
        '- testing/api-tests [testing]: Writes HTTP-level API tests against the app factory that cover status codes, bodies, validation, auth and isolation.',
        '- docs/readme [docs]: Writes an accurate README with prerequisites, setup, run and test commands, configuration, the API and the project layout.',
      ].join('\n'),
      max_tasks: '15',
    },
    expectedOutput: `${SUBMIT_TASK_GRAPH} with 7 tasks:
- setup [devops], []: package.json (react, react-dom, express; vite, @vitejs/plugin-react, typescript, tsx, vitest, supertest), scripts dev/build/start/test, tsconfig.json, vite.config.ts proxying /api to 3000, .gitignore
- shared-types [general], [setup]: src/shared/todo.ts exports Todo { id: string; title: string; done: boolean }
- todo-api [backend, backend/express-route], [shared-types]: server/todoStore.ts, server/app.ts createApp(store), server/index.ts; GET/POST /api/todos, PATCH/DELETE /api/todos/:id
- todo-hooks [frontend, frontend/state-hooks], [shared-types]: src/api/todos.ts and src/hooks/useTodos.ts
- todo-ui [frontend, frontend/react-component], [todo-hooks]: src/components/*, src/App.tsx, src/main.tsx
- api-tests [testing, testing/api-tests], [todo-api]: test/api.test.ts with supertest
- readme [docs, docs/readme], [todo-api, todo-ui, api-tests]: README.md`,
  },
};

export const DECOMPOSER_TEMPLATES: readonly BuiltinTemplate[] = [decomposerPlan];
