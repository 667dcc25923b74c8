/** Built-in templates for frontend tasks: components, routed pages, client state and styles. */
import { taskVariables, type BuiltinTemplate } from '../types';

const TODO_DEPENDENCIES = 'Project setup\nShared types';

export const reactComponent: BuiltinTemplate = {
  name: 'frontend/react-component',
  category: 'frontend',
  description:
    'Builds React function components with typed props, every visible UI state, accessible markup and co-located styles.',
  tags: ['react', 'component', 'accessibility', 'typescript'],
  revision: 1,
  text: `Component guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

First read your context: the language (.tsx or .jsx), the module system, the styling approach, the folder layout, and the types, hooks and API client earlier tasks export. Use those exact names and paths; never create a second copy of a type, hook or helper that already exists.

Files and structure:
- One component per file, the file named like the component (src/components/TodoItem.tsx), named exports; default exports only if the project already uses them.
- Co-locate what belongs to a component: its CSS module (TodoItem.module.css) and, when the task asks for tests, TodoItem.test.tsx.
- Keep components presentational where you can: data in through props, changes out through callbacks named onX (onToggle, onDelete). Data fetching belongs in hooks, not in leaf components.
- Type every prop with an exported Props interface and give optional props defaults in the parameter list; no any, and no PropTypes in a TypeScript project.

React correctness:
- Function components and hooks only; hooks at the top level, never inside conditions or loops.
- Derive values during render instead of copying props into state. Use useEffect only to synchronise with something outside React, and clean up every subscription, timer and request it starts.
- Keys come from data ids, never from array indexes in lists that can change.
- Forms: controlled inputs, preventDefault on submit, trimmed values, the submit button disabled while a request is pending, and the user's input kept when the request fails.
- On React 19 pass ref as an ordinary prop; use forwardRef only on React 18.
- Never render user content through dangerouslySetInnerHTML.

Every state the user can see:
- Render loading, empty, error and success states explicitly; an empty list says so ("No todos yet") instead of showing nothing.
- Show an error next to what failed, in plain words, with role="alert" when it appears after an action.

Accessibility:
- Semantic elements first: button for actions, a or Link for navigation, ul and li for lists, a label for every input (visible, or aria-label when the design has none).
- Icon-only buttons get an aria-label that names their object ("Delete Buy milk"); decorative icons get aria-hidden="true".
- Everything works with the keyboard alone, in a sensible tab order; never remove the focus outline without a visible replacement.

When you are done, check that every file, export and behaviour this task asks for exists:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo list components',
    variables: {
      task_title: 'Todo list components',
      task_description:
        'src/components/TodoList.tsx and src/components/TodoItem.tsx, each with a CSS module. ' +
        'TodoList({ todos, onToggle, onDelete }) renders a list of TodoItem, or "No todos yet" when empty. ' +
        'TodoItem({ todo, onToggle, onDelete }) shows a checkbox labelled with the title and a delete button. ' +
        'Todo comes from src/shared/todo.ts.',
      dependencies: TODO_DEPENDENCIES,
    },
    expectedOutput: `write_file src/components/TodoItem.tsx: TodoItem with a labelled checkbox and a delete button (aria-label "Delete <title>")
write_file src/components/TodoItem.module.css
write_file src/components/TodoList.tsx: TodoList renders <ul> of TodoItem keyed by todo.id, or "No todos yet"
write_file src/components/TodoList.module.css
Summary: TodoList and TodoItem are named exports typed with Todo from src/shared/todo.ts; parents pass onToggle(id) and onDelete(id).`,
  },
};

export const pageRouting: BuiltinTemplate = {
  name: 'frontend/page-routing',
  category: 'frontend',
  description:
    'Builds routed pages with React Router: a shared layout, nested routes, a not-found page, error handling and navigation.',
  tags: ['react', 'routing', 'pages', 'layout'],
  revision: 1,
  text: `Routing guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Use the router the project already depends on. With react-router 7 import from "react-router" (react-router-dom only re-exports it); with version 6 import from "react-router-dom". Never add a second router library.

Structure:
- Define the routes in one place (src/routes.tsx or src/App.tsx) with createBrowserRouter and RouterProvider, or with BrowserRouter and Routes if the project already uses that style. Render the router once, from the entry file (src/main.tsx).
- A layout route (src/layouts/RootLayout.tsx) renders the shared header, the navigation and an <Outlet />. Pages live in src/pages/<Name>Page.tsx and only compose components and hooks from earlier tasks.
- Add a catch-all route (path "*") with a NotFoundPage that links home, and an errorElement (or an error boundary) so a thrown error shows a helpful page instead of a blank screen.
- Read params with useParams and treat them as untrusted strings: validate them and show the not-found state for an unknown id.
- Navigate with Link and NavLink (NavLink marks the active link with aria-current); call useNavigate only after an action such as a successful submit. A plain <a href> to an in-app path reloads the whole app; do not use one.
- Split pages with React.lazy and Suspense only when the task asks for code splitting, and give Suspense a visible fallback.

Pages:
- Each page has exactly one h1 and sets the document title (a small useDocumentTitle hook, or a <title> element on React 19).
- The layout provides landmarks: a header, a nav with an aria-label, a main element, and a skip link to main as the first focusable element.
- After a route change, move focus to the new page's h1 (tabIndex={-1}) so keyboard and screen-reader users know the page changed.

Making it run:
- A single-page app needs the server to answer unknown non-API paths with index.html. Vite does this in development; if your task owns the production static serving, add the fallback after the API routes, otherwise name the requirement in your summary.
- Call the API through relative /api paths; never hardcode an http://localhost origin in browser code.
- When the task asks for tests, render routes with createMemoryRouter or MemoryRouter and initialEntries.

When you are done, check that every route, page and link this task asks for exists:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  modelParams: { maxTokens: 16_000 },
  example: {
    name: 'Todo app pages',
    variables: {
      task_title: 'Pages and routing',
      task_description:
        'src/App.tsx defines routes with createBrowserRouter: "/" TodosPage (list and add form), ' +
        '"/todos/:id" TodoDetailPage, "*" NotFoundPage, all inside RootLayout with a nav. ' +
        'src/main.tsx renders <App /> in StrictMode. Uses useTodos from src/hooks/useTodos.ts and the components in src/components/.',
      dependencies: 'Project setup\nTodo hooks\nTodo list components',
    },
    expectedOutput: `write_file src/layouts/RootLayout.tsx: header, <nav aria-label="Main">, skip link, <main> with <Outlet />
write_file src/pages/TodosPage.tsx, src/pages/TodoDetailPage.tsx, src/pages/NotFoundPage.tsx
write_file src/hooks/useDocumentTitle.ts
write_file src/App.tsx: createBrowserRouter with errorElement and the "*" route; src/main.tsx
Summary: routes /, /todos/:id and *; the production server must return index.html for non-API paths.`,
  },
};

export const stateHooks: BuiltinTemplate = {
  name: 'frontend/state-hooks',
  category: 'frontend',
  description:
    'Builds client state and data fetching with custom hooks, context and a typed API client that handles loading, errors and races.',
  tags: ['react', 'hooks', 'state', 'fetching'],
  revision: 1,
  text: `State and data-fetching guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Reuse what exists: the shared types, the API's routes and response shapes, and any data library already in package.json (TanStack Query, SWR, Redux Toolkit, Zustand). If there is one, use it idiomatically; otherwise use plain hooks, useReducer and context as below.

API client (src/api/client.ts and one module per resource, or the project's equivalent):
- One typed function per endpoint (listTodos, createTodo, updateTodo, deleteTodo) on top of one request helper.
- The helper sends JSON with a Content-Type header, checks response.ok, reads the API's error body and throws an ApiError that carries status and message, and returns undefined for 204 No Content instead of parsing an empty body.
- Use relative URLs under /api so the same code works behind the dev proxy and in production; accept an optional AbortSignal.

Hooks (src/hooks/useTodos.ts):
- Return a typed, stable shape: data, error, isLoading, and named actions (addTodo, toggleTodo, removeTodo) that return promises so forms can await them and show their own errors.
- Never set state from a stale response: give each effect an AbortController, abort it in the cleanup, and treat AbortError as no error at all.
- Effects must survive StrictMode running them twice in development.
- Update with functional updates (setTodos((previous) => ...)) so overlapping actions never overwrite each other.
- Optimistic updates suit toggles and deletes if you roll back and report the error when the request fails; creates wait for the server, which owns the id.
- Compute derived values (remaining count, filtered list) during render or with useMemo; never store them in state.
- Keep the previous data visible while refetching, and expose a reload function for a retry button.

Context:
- Use context only for state that many distant components share (the signed-in user, the theme, a cart). Export a Provider and a useX hook that throws a clear error outside the provider; do not export the raw context.
- Memoise the provider value (useMemo, useCallback) so consumers do not re-render on every parent render; split state and actions into two contexts when updates are frequent.
- For state with several related transitions, use useReducer with a typed action union and an exhaustive switch.

Errors: messages in the hook's error are written for people ("Could not load todos"); log technical details with console.error, never show stack traces.

When the task asks for tests, test hooks with renderHook from Testing Library and a stubbed fetch; never call the network.

When you are done, check the client functions, hooks and providers against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo hooks',
    variables: {
      task_title: 'Todo API client and hooks',
      task_description:
        'src/api/client.ts (request helper, ApiError) and src/api/todos.ts (listTodos, createTodo(title), ' +
        'toggleTodo(id), deleteTodo(id) against /api/todos). src/hooks/useTodos.ts returns ' +
        '{ todos, error, isLoading, addTodo, toggleTodo, removeTodo, reload }.',
      dependencies: TODO_DEPENDENCIES,
    },
    expectedOutput: `write_file src/api/client.ts: request<T>(path, init) and class ApiError { status, message }
write_file src/api/todos.ts: listTodos(signal), createTodo(title), toggleTodo(id), deleteTodo(id)
write_file src/hooks/useTodos.ts: AbortController per load, functional updates, optimistic toggle with rollback
Summary: components call useTodos(); actions return promises that reject with ApiError, so forms can show the message.`,
  },
};

export const styling: BuiltinTemplate = {
  name: 'frontend/styling',
  category: 'frontend',
  description:
    'Styles the UI with design tokens and CSS modules or plain CSS, responsive and accessible, without adding a CSS framework.',
  tags: ['css', 'design-tokens', 'responsive', 'accessibility'],
  revision: 1,
  text: `Styling guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Follow the styling approach the project already uses (CSS modules, plain CSS, Tailwind, a component library). Without one, use CSS custom properties and CSS modules, which Vite supports with no extra dependency. Add no framework or preprocessor the task does not ask for.

Design tokens (src/styles/tokens.css, imported once from the entry file):
- On :root define colours named by role (--color-bg, --color-surface, --color-text, --color-muted, --color-primary, --color-danger, --color-border, --color-focus), a spacing scale (--space-1 to --space-6), radii, font families and sizes, shadows and a transition duration.
- Give a dark theme by redefining the same tokens inside @media (prefers-color-scheme: dark). Components use tokens only, never raw hex values.
- src/styles/global.css holds a short modern reset (box-sizing: border-box, margin 0, images with max-width 100%), base typography with a readable line-height, and a .visually-hidden class for screen-reader-only text.

Components:
- One Name.module.css next to each component, with camelCase class names, imported as styles; join conditional classes with a tiny helper rather than string concatenation that can emit "undefined".
- Keep selectors flat and specificity low: no ids, no !important, no long descendant chains, no styling of another component's internals.
- Lay out with flexbox and grid and use gap for spacing between siblings.

Responsive:
- Mobile first: base styles for narrow screens, then min-width media queries at one or two breakpoints; cap the content width (max-width: 40rem or similar) and centre it.
- Use rem for type and spacing, avoid fixed heights on anything that holds text, and let long words wrap (overflow-wrap: anywhere).

Accessibility:
- Text contrast of at least 4.5:1 (3:1 for large text, icons and input borders) in both themes.
- A visible focus style on every interactive element with :focus-visible (outline: 2px solid var(--color-focus); outline-offset: 2px); never outline: none on its own.
- Touch targets of at least 44 by 44 CSS pixels; never show state by colour alone (a completed todo is also struck through or marked).
- Run animations and transitions only under @media (prefers-reduced-motion: no-preference).

If a stylesheet must be imported by a file another task owns, say in your summary which import to add and where.

When you are done, check the styles against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo app styles',
    variables: {
      task_title: 'Design tokens and styles',
      task_description:
        'src/styles/tokens.css and src/styles/global.css (imported in src/main.tsx), and CSS modules for ' +
        'TodoList, TodoItem and the add form: a centred single column, completed todos struck through, dark mode.',
      dependencies: 'Project setup\nTodo list components',
    },
    expectedOutput: `write_file src/styles/tokens.css: role-named colour, spacing, radius and type tokens; dark theme via prefers-color-scheme
write_file src/styles/global.css: reset, base typography, .visually-hidden, :focus-visible outline
write_file src/components/TodoList.module.css, TodoItem.module.css, AddTodoForm.module.css
Summary: import "./styles/tokens.css" and "./styles/global.css" once in src/main.tsx; components use only var(--...) tokens.`,
  },
};

export const FRONTEND_TEMPLATES: readonly BuiltinTemplate[] = [reactComponent, pageRouting, stateHooks, styling];
