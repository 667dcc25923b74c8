/** Built-in templates for testing tasks: unit tests and HTTP-level API tests. */
import { taskVariables, type BuiltinTemplate } from '../types';

export const unitTests: BuiltinTemplate = {
  name: 'testing/unit-tests',
  category: 'testing',
  description:
    'Writes focused unit tests with the project test runner that pin down behaviour, edge cases and errors without network or shared state.',
  tags: ['tests', 'unit', 'vitest', 'jest'],
  revision: 1,
  text: `Unit-test guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Use the runner the project already has: its "test" script and devDependencies decide (Vitest, Jest or node:test). Never add a second runner. Match the module system and the file naming (*.test.ts next to the code, or a test/ folder), and import the code under test by its real path and exported names exactly as they appear in your context.

What to test:
- The public contract of each module: return values, thrown errors (by class or message), and state changes visible through its API. Not private helpers or implementation details.
- For each function: the normal case, every boundary (empty, one element, maximum length, zero, negative), invalid input, and each error path the code defines.
- Derive expectations from the contract in the task and the module's documentation, not from reading the implementation back. If the code contradicts that contract, keep the test that states the contract and name the discrepancy in your summary; never assert behaviour you believe is wrong.

How to write them:
- One behaviour per test, named as a sentence ("rejects a title longer than 200 characters"), grouped with describe per unit.
- Arrange, act, assert. Build fresh fixtures in each test or in beforeEach with small factories (makeTodo({ done: true })); no order dependence and no state shared between tests.
- Deterministic: inject or fake time (vi.useFakeTimers, jest.useFakeTimers, or a now() dependency), ids and randomness; never sleep.
- No network, no real database, no files outside a temporary directory. Replace collaborators with in-memory fakes passed through the module's factory, and mock modules only at real boundaries (fetch, the database client).
- Await every promise and assert rejections with await expect(promise).rejects or assert.rejects; an assertion on an unawaited promise passes silently.
- Prefer exact assertions (toEqual, deepStrictEqual) over truthiness, and avoid snapshots for logic.

React components and hooks, when in scope:
- Use Testing Library with user-event, and query as a user would: by role, label and text (getByRole("button", { name: /add/i })), by test id only when nothing else works.
- They need a DOM environment (jsdom or happy-dom). Set it in the runner config only if your task owns that file; otherwise use the per-file form at the top of the test (// @vitest-environment jsdom, or a /** @jest-environment jsdom */ docblock). The environment package (jsdom, or jest-environment-jsdom for Jest) must be installed.

The suite must pass with the project's test command and exit on its own: close servers, timers and connections in afterAll or after.

When you are done, check that the tests cover what the task asks:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo store tests',
    variables: {
      task_title: 'Store tests',
      task_description:
        'test/todoStore.test.js with node:test covering createTodoStore from server/todoStore.js: add trims titles, ' +
        'rejects empty and over-long titles, toggle flips done and returns undefined for unknown ids, remove ' +
        'reports whether it removed.',
      dependencies: 'Project setup\nTodo store',
    },
    expectedOutput: `write_file test/todoStore.test.js (node:test + node:assert/strict):
  - "adds a todo with a trimmed title and done false"
  - "rejects an empty or whitespace-only title" / "rejects a title of 201 characters" / "accepts exactly 200"
  - "toggles done and back" / "returns undefined when toggling an unknown id"
  - "remove returns true once, then false"; a fresh store in every test
Summary: 8 tests, run with npm test; no discrepancies found between the store and its contract.`,
  },
};

export const apiTests: BuiltinTemplate = {
  name: 'testing/api-tests',
  category: 'testing',
  description:
    'Writes HTTP-level API tests against the app factory that cover status codes, bodies, validation, auth and isolation.',
  tags: ['tests', 'api', 'supertest', 'http'],
  revision: 1,
  text: `API-test guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Test the HTTP contract as a client sees it, with the project's test runner and supertest when it is a dependency (otherwise fetch against app.listen(0) and its assigned port). Import the app factory (createApp) the routes' task exports; never import the server entry file, and never bind a fixed port.

Isolation:
- Give each test or file a fresh app with fresh state: an in-memory store or fake service passed to createApp, or a dedicated test database (a DATABASE_URL for a test file or schema) cleaned in beforeEach. Never touch the development database.
- No test depends on another's order or data; each creates what it needs through the API or a small helper.
- Close everything in afterAll (servers, $disconnect, open handles) so the runner exits.

Coverage, for every endpoint in scope:
- Success: status, a JSON Content-Type and the whole body shape (toEqual with expect.any(String) for generated ids and dates), plus promised headers such as Location on 201.
- Round trips: create then read, update then read, delete then 404.
- Validation: missing fields, wrong types, empty and too-long strings, unknown fields and malformed JSON, each answering 400 in the project's error shape.
- Not found (an unknown id, and a malformed one) and conflicts (409 on a duplicate).
- Auth, when present: 401 without credentials or with a bad token, 403 or 404 on another user's resource, success with a session obtained by signing in through the API (a supertest agent keeps the cookie).
- An unknown path under /api answers 404 with JSON.

Style:
- Name tests after behaviour ("POST /api/todos rejects an empty title with 400").
- Assert exact values, not only status codes, and check that sensitive fields (passwordHash, tokens) never appear in a response body.
- Keep helpers (createTodo, signIn) at the top of the file or in test/helpers; no sleeps or retries.

If an endpoint contradicts the contract in the task or in the earlier tasks' summaries, keep the test that states the contract and name the discrepancy in your summary.

When you are done, check the endpoints and cases against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  modelParams: { maxTokens: 16_000 },
  example: {
    name: 'Todo API tests',
    variables: {
      task_title: 'API tests',
      task_description:
        'test/api.test.ts with Vitest and supertest against createApp(createTodoStore()) from server/app.ts: ' +
        'list, create (201, 400 on empty or 201-character titles), toggle (200, 404), delete (204, 404), ' +
        'malformed JSON and unknown /api routes.',
      dependencies: 'Todo REST API\nTodo store',
    },
    expectedOutput: `write_file test/api.test.ts:
  - beforeEach: app = createApp(createTodoStore())
  - "GET /api/todos returns [] on a fresh store"; "POST /api/todos creates a todo" (201, body { id: any String, title, done: false })
  - "POST /api/todos rejects an empty title with 400" and a 201-character title; "malformed JSON answers 400"
  - "PATCH /api/todos/:id/toggle flips done" / "answers 404 for an unknown id"; "DELETE then GET no longer lists it"
  - "GET /api/nope answers 404 JSON"
Summary: 11 tests with supertest; no port is bound and each test has its own store.`,
  },
};

export const TESTING_TEMPLATES: readonly BuiltinTemplate[] = [unitTests, apiTests];
