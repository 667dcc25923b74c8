/** Built-in templates for devops tasks: container images and CI workflows. */
import { taskVariables, type BuiltinTemplate } from '../types';

export const dockerfile: BuiltinTemplate = {
  name: 'devops/dockerfile',
  category: 'devops',
  description:
    'Writes a multi-stage Dockerfile with a small non-root runtime image, a .dockerignore, and a compose file when services are needed.',
  tags: ['docker', 'containers', 'deployment', 'security'],
  revision: 1,
  text: `Docker guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Read package.json first: the Node version (engines or .nvmrc), the build and start scripts, the output directory, the lockfile, and the port and environment variables the code reads. The image must run exactly what the production start script runs.

Dockerfile, multi-stage:
- Base every stage on the same official Node LTS image, pinned to a major version that matches the project (node:22-alpine, or node:22-bookworm-slim when native modules need glibc).
- deps stage: copy only package.json and the lockfile, then npm ci, so this layer is rebuilt only when dependencies change.
- build stage: copy the sources and run the build (tsc, vite build, prisma generate) when the project has one.
- runtime stage: ENV NODE_ENV=production, install production dependencies only (npm ci --omit=dev), and copy just the build output and runtime files (dist/, prisma/ and the generated client when used, public assets). A postinstall that runs a devDependency (prisma generate) fails under --omit=dev: add --ignore-scripts and copy the generated output from the build stage.
- Run as the unprivileged node user (USER node) with files copied as COPY --chown=node:node; never put secrets in ARG, ENV or any layer.
- EXPOSE the app's port, make the server listen on 0.0.0.0 rather than localhost (through HOST or its default), and start with the exec form, CMD ["node", "dist/server.js"], so SIGTERM reaches Node; do not start through npm.
- Add a HEALTHCHECK when the app has a health endpoint, using a tool present in the image (wget on alpine, or node -e with fetch).
- The app should close its server and database connections on SIGTERM; if your task does not own the entry file, say so in your summary.

.dockerignore: node_modules, dist and other build output, coverage, .git, .env and .env.*, logs, local database files (*.db), editor folders and the Dockerfile itself, so the build context stays small and no secret enters it.

Frontend and services:
- Serve a built single-page app as static files from the API server, or from an nginx-unprivileged stage; never ship the Vite dev server.
- When the app needs a database or cache, add compose.yaml with that service, a named volume, a healthcheck and depends_on with condition: service_healthy; pass DATABASE_URL through environment, with development-only credentials marked as such.
- Run migrations as an explicit step (prisma migrate deploy) before the app starts, never prisma migrate dev.

Document the build and run commands (docker build -t app ., docker compose up) in your summary so the README task can copy them.

When you are done, check the files against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo app image',
    variables: {
      task_title: 'Docker image',
      task_description:
        'Dockerfile and .dockerignore for the Todo app: build the Vite client and the TypeScript server, run ' +
        'node dist/server/index.js on port 3000 serving the API and the built client.',
      dependencies: 'Project setup\nTodo REST API',
    },
    expectedOutput: `write_file Dockerfile:
  FROM node:22-alpine AS deps (npm ci) -> AS build (npm run build) -> AS runtime
  runtime: NODE_ENV=production, npm ci --omit=dev, COPY --chown=node:node --from=build /app/dist ./dist, USER node
  EXPOSE 3000, HEALTHCHECK wget -qO- http://127.0.0.1:3000/api/health, CMD ["node", "dist/server/index.js"]
write_file .dockerignore: node_modules, dist, coverage, .git, .env*, *.db
Summary: docker build -t todo-app . && docker run -p 3000:3000 todo-app; the server must listen on 0.0.0.0.`,
  },
};

export const ciWorkflow: BuiltinTemplate = {
  name: 'devops/ci-workflow',
  category: 'devops',
  description:
    'Writes a GitHub Actions workflow that installs from the lockfile with caching, then lints, typechecks, tests and builds.',
  tags: ['ci', 'github-actions', 'automation'],
  revision: 1,
  text: `CI guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Write .github/workflows/ci.yml for GitHub Actions. CI may only run commands that exist: read package.json, use its script names, and run optional steps with npm run <script> --if-present instead of inventing commands.

Workflow:
- Triggers: push to the default branch, pull_request, and workflow_dispatch for manual runs.
- permissions: contents: read at the top level; grant more only to a job that needs it.
- concurrency: a group of workflow and ref with cancel-in-progress: true, so a new push cancels the run it replaces.
- One job on ubuntu-latest with timeout-minutes (about 15). Use a Node version matrix only if the project supports several versions; otherwise take the version from .nvmrc (node-version-file) or engines.

Steps:
- actions/checkout@v4 and actions/setup-node@v4 (or their current major versions) with cache: npm (pnpm or yarn to match the lockfile), which caches by lockfile hash.
- Install with npm ci (pnpm install --frozen-lockfile, yarn install --immutable), never npm install. npm ci fails without a lockfile; if the project has none, say so in your summary.
- Generate code the build needs (prisma generate) right after installing.
- Then one named step each, so a failure is easy to read: lint, typecheck (npm run typecheck, or npx tsc --noEmit when there is a tsconfig.json and no script), test, build.
- Tests run once, not in watch mode (vitest run, jest --ci); GitHub sets CI=true.

Services and secrets:
- When tests need PostgreSQL or Redis, add a service container with a health check (options: --health-cmd ...) and set DATABASE_URL in the test step's env; run prisma migrate deploy before the tests.
- Never print secrets, use the secrets context only in jobs that need it, and never expose secrets to pull_request runs from forks (no pull_request_target with a checkout of the pull request's code).
- Upload test reports or coverage with actions/upload-artifact only when the project produces them.

Keep the YAML valid: two-space indentation, no tabs, and quotes around strings that contain ": " or start with a special character such as *, & or {.

When you are done, check the workflow against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo app CI',
    variables: {
      task_title: 'CI workflow',
      task_description:
        '.github/workflows/ci.yml: on push to main and pull requests, install with npm ci, then run the lint, ' +
        'typecheck, test and build scripts from package.json on Node 22.',
      dependencies: 'Project setup',
    },
    expectedOutput: `write_file .github/workflows/ci.yml:
  on: push (main), pull_request, workflow_dispatch; permissions: contents: read; concurrency with cancel-in-progress
  jobs.ci: ubuntu-latest, timeout-minutes: 15
  steps: checkout@v4, setup-node@v4 (node-version: 22, cache: npm), npm ci,
         npm run lint, npm run typecheck, npm test, npm run build
Summary: uses only scripts present in package.json; requires the committed package-lock.json.`,
  },
};

export const DEVOPS_TEMPLATES: readonly BuiltinTemplate[] = [dockerfile, ciWorkflow];
