/** Built-in templates for backend tasks: routes, services, request validation and authentication. */
import { taskVariables, type BuiltinTemplate } from '../types';

export const expressRoute: BuiltinTemplate = {
  name: 'backend/express-route',
  category: 'backend',
  description:
    'Builds Express routers with thin controllers, correct status codes, async error handling and one central error handler.',
  tags: ['express', 'rest', 'api', 'routes'],
  revision: 1,
  text: `Express route guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Match the project: its Express major version, its module system (with "type": "module", relative imports in Node need the .js extension, also from .ts sources compiled by tsc), its folder layout, and the services, schemas and error classes earlier tasks created. Import only packages listed in package.json.

Structure:
- src/app.ts exports createApp(deps) that builds and returns the app without listening; a separate entry (src/server.ts or src/index.ts) calls listen on Number(process.env.PORT ?? 3000). Tests import createApp, so importing it must never open a port.
- One router per resource (src/routes/todos.ts exporting createTodosRouter(service)), mounted under /api/<resource>. Pass services in instead of importing singletons, so tests can inject fakes.
- Controllers stay thin: take the validated input, call the service, shape the response. No business rules and no database calls in a handler.

HTTP semantics:
- GET 200 with the resource or the list; POST 201 with the created resource and a Location header; PUT or PATCH 200 with the updated resource; DELETE 204 with no body.
- 400 invalid input, 401 not signed in, 403 not allowed, 404 unknown resource or id, 409 conflict such as a duplicate.
- Every error is JSON in one shape, e.g. { "error": { "code": "not_found", "message": "Todo not found" } }, or the shape the project already uses.
- Lists are arrays (or { items, total } when paginated), never objects keyed by id; paginated lists get a default and a maximum limit.

Errors and async code:
- Express 5 passes a rejected promise from an async handler to the error handler; on Express 4 wrap async handlers (asyncHandler) or catch and call next(error). No promise may be left unhandled.
- One error-handling middleware with four parameters (error, req, res, next), registered after all routes: map known errors (validation, not found, conflict, auth) to their status, log anything else and answer 500 with a generic message. Never send stack traces or internal messages to clients.
- A JSON 404 handler for unknown /api paths, registered before the error handler.
- A malformed JSON body (express.json reports type "entity.parse.failed") answers 400, and an oversized one 413, not 500.

Security and robustness:
- express.json({ limit: "100kb" }) or similar, and app.disable("x-powered-by") unless helmet is used.
- Path syntax differs between versions: Express 5 needs named wildcards (/*splat) and has no inline regular expressions; write paths valid for the installed version.
- Use helmet, cors or a rate limiter only when they are dependencies; allow specific CORS origins rather than reflecting any origin with credentials.
- Read ids from req.params as strings and let validation convert them; never build SQL or shell commands from request data.

When you are done, check every route, status code and export against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo REST API',
    variables: {
      task_title: 'Todo REST API',
      task_description:
        'server/app.ts exports createApp(service) with GET/POST /api/todos and PATCH/DELETE /api/todos/:id, ' +
        'using createTodoService from server/services/todoService.ts and the schemas in server/schemas/todo.ts; ' +
        'server/index.ts listens on PORT (default 3000) and serves the built client from dist/client.',
      dependencies: 'Project setup\nTodo service\nRequest validation',
    },
    expectedOutput: `write_file server/routes/todos.ts: createTodosRouter(service) with list, create (201 + Location), update, delete (204)
write_file server/middleware/errorHandler.ts: maps ValidationError 400, NotFoundError 404, parse errors 400, else 500
write_file server/app.ts: createApp(service) mounts /api/todos, JSON 404 for /api, error handler last
write_file server/index.ts: listens on Number(process.env.PORT ?? 3000), SPA fallback to index.html
Summary: tests call createApp(createTodoService(fakeRepo)); errors use { error: { code, message } }.`,
  },
};

export const serviceLayer: BuiltinTemplate = {
  name: 'backend/service-layer',
  category: 'backend',
  description:
    'Builds framework-free service modules that hold business rules, use the data layer and raise typed domain errors.',
  tags: ['services', 'business-logic', 'errors', 'architecture'],
  revision: 1,
  text: `Service-layer guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

A service holds the business rules of one area (src/services/todoService.ts) and knows nothing about HTTP: no req, res, status codes or Express types. Routes, jobs, scripts and tests call it the same way.

Design:
- Export a factory that takes its dependencies, createTodoService({ repository }) or createTodoService(prisma), and returns an object of named async methods with explicit input and result types. The app passes the real client; tests pass an in-memory fake.
- Inputs are typed objects that have already passed request validation. Still enforce what only the domain knows: allowed state transitions, uniqueness per owner, limits, dates that must lie in the future.
- Return objects in the shape the API promises (the shared types from earlier tasks), never raw rows with internal fields such as passwordHash.
- Keep methods short; shared logic goes into unexported helpers in the same file.

Errors:
- Define the domain errors once (src/errors.ts), or reuse the project's: NotFoundError, ConflictError, ValidationError, ForbiddenError, each with a machine-readable code and a message fit to show users. The HTTP layer maps them to status codes; a service never picks a status.
- Translate data-layer errors at this boundary: Prisma P2002 (unique constraint) becomes ConflictError and P2025 (record not found) becomes NotFoundError; rethrow anything unexpected unchanged so it surfaces as a logged 500.
- Never swallow an error or return null for "something went wrong"; undefined or null means "not found" only where the return type says so.

Data access:
- Wrap writes that must succeed together in a transaction (prisma.$transaction).
- Scope every query on user-owned data by owner (where: { id, userId }) so one user can never read or change another's rows; a row that exists but belongs to someone else is reported as not found.
- Select only the fields you need, paginate list methods with a default and a maximum page size, and avoid N+1 queries by including relations or batching.
- Make time and id generation injectable (now and newId options with defaults) where tests need determinism.
- With no database in the plan, keep data in a Map inside the factory's closure, so every createX() call starts empty and tests stay isolated.

When you are done, check every exported function, its signature and its errors against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo service',
    variables: {
      task_title: 'Todo service',
      task_description:
        'server/services/todoService.ts exports createTodoService(prisma) with list(userId), create(userId, { title }), ' +
        'update(userId, id, { title?, done? }) and remove(userId, id); server/errors.ts exports NotFoundError and ' +
        'ConflictError. Titles are unique per user.',
      dependencies: 'Project setup\nDatabase schema',
    },
    expectedOutput: `write_file server/errors.ts: AppError base with code; NotFoundError, ConflictError, ValidationError, ForbiddenError
write_file server/services/todoService.ts: createTodoService(prisma) returning { list, create, update, remove }
- every query filtered by userId; P2002 -> ConflictError("A todo with this title already exists"), P2025 -> NotFoundError
- returns Todo { id, title, done, createdAt } without internal columns
Summary: routes call service methods and let the error handler map AppError.code to a status.`,
  },
};

export const validation: BuiltinTemplate = {
  name: 'backend/validation',
  category: 'backend',
  description:
    'Validates requests with schemas at the API boundary and answers every invalid input with one consistent error response.',
  tags: ['validation', 'schemas', 'zod', 'errors'],
  revision: 1,
  text: `Request-validation guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Use the schema library already in package.json (zod, valibot, joi, express-validator), and do not mix libraries. If none is listed, write plain typed validation functions with the same contract rather than importing a package that is not installed. With zod 4 use its current API (z.email(), z.uuid(), z.strictObject(), error.issues); with zod 3 use z.string().email() and .strict().

Schemas (src/schemas/todo.ts or the project's equivalent):
- One schema per input: the create body, the update body, route params (ids) and the query (pagination, filters). Export each schema and its inferred type (export type CreateTodoInput = z.infer<typeof createTodoSchema>) so routes and services share one definition.
- Be precise: trim strings, then set minimum and maximum lengths; bound numbers; use enums for fixed sets; reject unknown keys on bodies so a typo is an error rather than a silently ignored field.
- Params and query values are always strings: coerce them deliberately (z.coerce.number().int().min(1).max(100).default(20)). Coercing a string to boolean turns "false" into true, so parse "true" and "false" explicitly (zod 4 has z.stringbool()).
- An update schema must require at least one field.

Middleware (src/middleware/validate.ts):
- validate({ body, params, query }) parses each part with safeParse and, on failure, answers 400 or calls next with a ValidationError, whichever the project's error handler expects.
- Hand the parsed values to handlers in a typed way (res.locals.input, or a typed helper). In Express 5 req.query is a read-only getter: never assign to it.
- Validate before any service or database call; handlers read only parsed values, never the raw request.

One error response for every endpoint:
{ "error": { "code": "validation_failed", "message": "Invalid request", "details": [{ "path": "title", "message": "Title is required" }] } }
- Give a readable message per field, with nested paths joined by "."; keep the project's error shape if one exists.
- Never echo secrets such as passwords back in details, and never include stack traces.
- Malformed JSON answers 400 and an oversized body 413 in the same shape, never 500.

Make schemas and shared rules importable by the client too when the project shares code between client and server, so both enforce the same limits.

When the task asks for tests, cover the edges: missing fields, empty and whitespace-only strings, values one past each limit, wrong types, unknown keys and boundary numbers.

When you are done, check every schema, middleware and error shape against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo request validation',
    variables: {
      task_title: 'Request validation',
      task_description:
        'server/schemas/todo.ts with zod: createTodoSchema { title: 1-200 chars, trimmed }, updateTodoSchema ' +
        '{ title?, done? } with at least one field, idParamsSchema { id: uuid }. server/middleware/validate.ts ' +
        'exports validate({ body, params, query }) answering 400 with { error: { code, message, details } }.',
      dependencies: 'Project setup\nShared types',
    },
    expectedOutput: `write_file server/schemas/todo.ts: createTodoSchema, updateTodoSchema (refine: at least one field), idParamsSchema, inferred types
write_file server/middleware/validate.ts: validate({ body, params, query }) storing parsed input in res.locals.input
write_file server/errors/validationError.ts: ValidationError with details [{ path, message }]
Summary: use validate({ body: createTodoSchema }) before handlers and read res.locals.input; failures answer 400 validation_failed.`,
  },
};

export const auth: BuiltinTemplate = {
  name: 'backend/auth',
  category: 'backend',
  description:
    'Builds authentication with hashed passwords, sessions or JWTs in secure cookies, auth middleware and safe defaults.',
  tags: ['auth', 'security', 'sessions', 'jwt'],
  revision: 1,
  text: `Authentication guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Follow the mechanism the task and earlier files chose. If none is chosen, a browser app keeps a signed token or a session id in an httpOnly cookie; Bearer JWTs are for API clients that cannot use cookies. Use only libraries in package.json: node:crypto covers password hashing and random tokens without native builds.

Passwords:
- Hash with argon2id, or bcrypt with cost 12, when that package is a dependency; otherwise crypto.scrypt with a random 16-byte salt per user, stored as "scrypt$salt$hash" so the parameters can change later. Compare hashes with crypto.timingSafeEqual.
- Require at least 8 characters (12 is better) and at most about 128, which bounds hashing cost; no composition rules.
- Never log, return or store a plain password, and strip passwordHash from every object that leaves the service.

Sign-up and sign-in:
- Normalise emails (trim, lower-case) before every lookup and keep them unique; sign-up with a taken email answers 409.
- A failed sign-in answers 401 with the same message whether the email is unknown or the password wrong, and verifies against a dummy hash for unknown emails so timing does not reveal which accounts exist.
- Rate-limit sign-in and sign-up when a limiter is available; otherwise say in your summary that one is needed.

Sessions and tokens:
- Secrets come from the environment (JWT_SECRET, SESSION_SECRET). In production refuse to start without one; in development generate a random secret at start-up and log a warning. Never hard-code a fallback secret.
- Cookies: httpOnly, sameSite "lax", secure when NODE_ENV is production, path "/", a bounded maxAge. Never put tokens in localStorage.
- JWTs: sign with HS256 (or the project's algorithm), set an expiry (15 minutes to a day for this kind of app), verify with an explicit algorithms list, and carry only the user id (sub) and non-sensitive claims.
- Sign-out clears the cookie with the options it was set with, or deletes the server-side session.
- Cookie auth needs CSRF protection: keep sameSite lax or strict and accept only JSON bodies on state-changing routes, or add CSRF tokens when forms post from other origins.

Middleware (src/middleware/auth.ts):
- requireAuth reads the cookie or the Authorization header, verifies it, loads the user and stores it in res.locals.user (or a typed req.user through declaration merging). Missing, malformed or expired credentials answer 401 in the project's error shape; a bad token never becomes a 500.
- Authorisation is separate: 403 when the user is known but not allowed, and ownership is checked in the service, not only in the route.
- Provide GET /api/auth/me so the frontend can learn who is signed in (401 when nobody is).

When you are done, check each endpoint, middleware and export against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo app accounts',
    variables: {
      task_title: 'User accounts and sessions',
      task_description:
        'server/auth/password.ts (hashPassword, verifyPassword with node:crypto scrypt), server/auth/routes.ts ' +
        '(POST /api/auth/signup, POST /api/auth/signin, POST /api/auth/signout, GET /api/auth/me) and ' +
        'server/middleware/requireAuth.ts; a JWT in an httpOnly cookie named "session", secret from JWT_SECRET.',
      dependencies: 'Project setup\nDatabase schema\nRequest validation',
    },
    expectedOutput: `write_file server/auth/password.ts: hashPassword(plain) -> "scrypt$salt$hash", verifyPassword(plain, stored) with timingSafeEqual
write_file server/auth/tokens.ts: signSession(userId), verifySession(token); JWT_SECRET required in production
write_file server/auth/routes.ts: signup 201/409, signin 200/401 (same message either way), signout 204, me 200/401
write_file server/middleware/requireAuth.ts: sets res.locals.user or answers 401
Summary: mount createAuthRouter(prisma) at /api/auth and put requireAuth before /api/todos; the cookie is httpOnly, sameSite lax.`,
  },
};

export const BACKEND_TEMPLATES: readonly BuiltinTemplate[] = [expressRoute, serviceLayer, validation, auth];
