/** Built-in template for documentation tasks: the project README. */
import { taskVariables, type BuiltinTemplate } from '../types';

export const readme: BuiltinTemplate = {
  name: 'docs/readme',
  category: 'docs',
  description:
    'Writes an accurate README with prerequisites, setup, run and test commands, configuration, the API and the project layout.',
  tags: ['readme', 'documentation', 'onboarding'],
  revision: 1,
  text: `README guidelines for "{{task_title}}".

The project was built from this request:
{{request}}

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

A README is only useful if every command in it works. Take commands, script names, ports, environment variables, routes and paths from the files and summaries in your context. Never invent a script, flag, endpoint or feature; leave a section out rather than guess.

Write README.md with these sections, in this order, skipping any that do not apply:
- The project name and one paragraph on what the app does, in its users' terms.
- Features: a short list of what a user can do.
- Tech stack: the main libraries, each with its role (React UI, Express API, Prisma with SQLite).
- Prerequisites: the Node version (from engines or .nvmrc), and a database server or Docker only if the project needs one.
- Getting started: numbered, copy-pasteable steps: install dependencies, copy .env.example to .env, set up the database (generate, migrate, seed) when there is one, then start the app and open its URL. Say so when the client and the API run as two processes, and give both ports.
- Configuration: a table of environment variables with meaning, default and whether required; placeholders only, never real secrets.
- Scripts: a table of the package.json scripts that matter (dev, build, start, test, lint) and what each does.
- API, when there is one: a table of method, path, request body and responses with status codes, which routes need sign-in, and the error shape.
- Testing: the command, what the tests cover, and any service they need.
- Project structure: a short tree of the top-level folders and key files, one line each.
- Docker, when the project has a Dockerfile or compose file: the exact build and run commands.
- Troubleshooting: two to four real pitfalls of this stack (the port already in use, a forgotten prisma generate, a missing .env).

Style: plain, direct sentences; fenced code blocks tagged with their language (bash, json); relative links to files in the repository; no badges for services the project does not use; no marketing language.

If something a user needs is missing from the project (a script, .env.example, a lockfile), do not paper over it in the README; name the gap in your summary.

When you are done, check the README against the task:
{{task_description}}`,
  variables: taskVariables('request', 'dependencies'),
  example: {
    name: 'Todo app README',
    variables: {
      request: 'Build a Todo app with React and Express',
      task_title: 'README',
      task_description: 'README.md: install, run, test, and the REST API of /api/todos.',
      dependencies: 'REST API\nReact UI\nStore tests',
    },
    expectedOutput: `write_file README.md:
  # Todo app: a Todo list with an Express API and a React UI
  Getting started: 1. npm install 2. npm start 3. open http://localhost:3000
  Scripts: start (node server/index.js), test (node --test)
  API: GET /api/todos 200; POST /api/todos {title} 201/400; PATCH /api/todos/:id/toggle 200/404; DELETE /api/todos/:id 204/404
  Project structure: server/ (API and store), web/ (React UI), test/ (node:test suites)
Summary: README.md documents install, run, test and the four API routes, all taken from package.json and server/app.js.`,
  },
};

export const DOCS_TEMPLATES: readonly BuiltinTemplate[] = [readme];
