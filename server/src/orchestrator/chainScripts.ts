/**
 * The chain's state machine as Redis Lua scripts. Every transition that decides what runs
 * next happens inside one script, so concurrent workers and a redelivered job can never
 * release a dependent twice, commit two results for one task, or lose a task.
 *
 * Task states: waiting → queued → running → generated → succeeded, or failed / skipped /
 * cancelled / unneeded (a verification rung a passing verify made unnecessary: not a
 * failure, so it never makes a chain partial). Chain meta status: queued → running → (cancelling) → a final status.
 * KEYS are always, in this order:
 *   1 meta, 2 states, 3 pending, 4 dependents, 5 attempts, 6 runs, 7 usage, 8 errors,
 *   9 events, 10 history
 * and scripts that touch a result add 11 result(taskId).
 */

/** Runs a script body as a function, then refreshes the chain's TTL whatever it returned. */
const script = (body: string) => `${PRELUDE}
local function main()
${body}
end
local answer = main()
touch()
return answer`;

/** Shared helpers, prepended to every script. */
const PRELUDE = `
local meta, states, pending, dependents, attempts, runs, usage, errors, events, history =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local MAXLEN = 10000
local STOP_SKIP = 'skipped: the Anthropic account reached its spend limit'

local function emit(kind, taskId, data)
  redis.call('XADD', events, 'MAXLEN', '~', MAXLEN, '*', 'type', kind, 'taskId', taskId or '', 'data', data or '')
end

-- Every transition pushes the chain's expiry forward: a live chain never loses its state.
local function touch()
  local ttl = tonumber(redis.call('HGET', meta, 'ttl') or '')
  if ttl then
    for i = 1, 10 do redis.call('EXPIRE', KEYS[i], ttl) end
  end
end

local function isFinal(state)
  return state == 'succeeded' or state == 'failed' or state == 'skipped' or state == 'cancelled' or state == 'unneeded'
end

local function releaseReservation(taskId)
  local raw = redis.call('HGET', runs, taskId)
  if raw then
    local run = cjson.decode(raw)
    if run.estimate and run.estimate > 0 then
      redis.call('HINCRBYFLOAT', meta, 'reservedUsd', -run.estimate)
      run.estimate = 0
      redis.call('HSET', runs, taskId, cjson.encode(run))
    end
  end
end

-- Moves a task to a final state and counts it; returns the chain's final status when it was the last.
local function settle(taskId, state, now)
  redis.call('HSET', states, taskId, state)
  redis.call('HINCRBY', meta, state, 1)
  local remaining = redis.call('HINCRBY', meta, 'remaining', -1)
  if remaining > 0 then return false end
  local status
  local current = redis.call('HGET', meta, 'status')
  local failed = tonumber(redis.call('HGET', meta, 'failed') or '0')
  local skipped = tonumber(redis.call('HGET', meta, 'skipped') or '0')
  local cancelled = tonumber(redis.call('HGET', meta, 'cancelled') or '0')
  local succeeded = tonumber(redis.call('HGET', meta, 'succeeded') or '0')
  if current == 'cancelling' then status = 'cancelled'
  elseif redis.call('HGET', meta, 'stopReason') then status = 'budget_exceeded'
  elseif failed == 0 and skipped == 0 and cancelled == 0 then status = 'succeeded'
  elseif succeeded > 0 then status = 'partial'
  else status = 'failed' end
  redis.call('HSET', meta, 'status', status, 'finishedAt', now)
  emit('chain.finished', '', status)
  return status
end

-- Marks every not-yet-started task with the given final state (cancel, budget stop).
local function settleUnstarted(state, now, alsoGenerated)
  local all = redis.call('HGETALL', states)
  local finished = false
  for i = 1, #all, 2 do
    local taskId, current = all[i], all[i + 1]
    if current == 'waiting' or current == 'queued' or (alsoGenerated and current == 'generated') then
      emit('task.' .. state, taskId, '')
      finished = settle(taskId, state, now) or finished
    end
  end
  return finished
end

-- Settles, transitively, the waiting dependents of a task in \`state\` (skipped: it will never
-- succeed; unneeded: a verify passed), with \`reason\` as their error when given.
local function settleDependents(taskId, state, now, reason)
  local finished = false
  local queue = cjson.decode(redis.call('HGET', dependents, taskId) or '[]')
  local i = 1
  while i <= #queue do
    local dependent = queue[i]
    if redis.call('HGET', states, dependent) == 'waiting' then
      if reason then redis.call('HSET', errors, dependent, reason) end
      emit('task.' .. state, dependent, taskId)
      finished = settle(dependent, state, now) or finished
      for _, next in ipairs(cjson.decode(redis.call('HGET', dependents, dependent) or '[]')) do
        table.insert(queue, next)
      end
    end
    i = i + 1
  end
  return finished
end

local function skipDependents(taskId, now)
  return settleDependents(taskId, 'skipped', now, 'skipped: depends on ' .. taskId .. ', which did not succeed')
end
`;

/**
 * Claims a task for a run. KEYS from 11 on are results to read with the claim (its
 * ancestors'). ARGV: taskId, runToken, estimateUsd, now. Returns {'run', attempt, result
 * of KEYS[11] or nil, …} | {'done', state} | {'cancelled'} | {'budget'} | {'notReady', state}.
 */
export const START_TASK = script(`
local taskId, token, estimate, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local state = redis.call('HGET', states, taskId)
if not state then return {'unknown'} end
if isFinal(state) or state == 'generated' then return {'done', state} end
if state == 'waiting' then return {'notReady', state} end
local status = redis.call('HGET', meta, 'status')
if status == 'cancelling' then
  emit('task.cancelled', taskId, '')
  settle(taskId, 'cancelled', now)
  return {'cancelled'}
end
if redis.call('HGET', meta, 'stopReason') then
  releaseReservation(taskId)
  emit('task.skipped', taskId, 'budget')
  settle(taskId, 'skipped', now)
  return {'budget'}
end
local budget = tonumber(redis.call('HGET', meta, 'budgetUsd') or '')
if budget then
  local spent = tonumber(redis.call('HGET', meta, 'spentUsd') or '0')
  local reserved = tonumber(redis.call('HGET', meta, 'reservedUsd') or '0')
  if spent + reserved + estimate > budget then
    redis.call('HSET', meta, 'stopReason', 'budget_exceeded')
    emit('chain.budgetExceeded', '', tostring(spent + reserved))
    settleUnstarted('skipped', now, false)
    return {'budget'}
  end
end
if status == 'queued' then redis.call('HSET', meta, 'status', 'running', 'startedAt', now) end
releaseReservation(taskId)
local attempt = redis.call('HINCRBY', attempts, taskId, 1)
redis.call('HSET', runs, taskId, cjson.encode({token = token, estimate = estimate}))
redis.call('HINCRBYFLOAT', meta, 'reservedUsd', estimate)
redis.call('HSET', states, taskId, 'running')
emit('task.started', taskId, tostring(attempt))
local reply = {'run', attempt}
-- In slices: Lua's unpack stops at a few thousand values.
for first = 11, #KEYS, 1000 do
  local values = redis.call('MGET', unpack(KEYS, first, math.min(first + 999, #KEYS)))
  for i = 1, #values do reply[#reply + 1] = values[i] end
end
return reply`);

/**
 * Stores the result of the run that holds the token. ARGV: taskId, runToken, resultJson,
 * usageJson, costUsd, historyEventJson, ttlSeconds, maxHistory, now. Returns 'committed' |
 * 'stale' | 'cancelled' (the chain is being cancelled: the task is, and its result dropped).
 * The `task.generated` event carries the run token: drivers apply each run's result once.
 */
export const COMMIT_RESULT = script(`
local result = KEYS[11]
local taskId, token, resultJson, usageJson, cost, eventJson, ttl, maxHistory, now =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], tonumber(ARGV[8]), ARGV[9]
if redis.call('HGET', states, taskId) ~= 'running' then return 'stale' end
local raw = redis.call('HGET', runs, taskId)
if not raw or cjson.decode(raw).token ~= token then return 'stale' end
releaseReservation(taskId)
redis.call('HSET', usage, taskId, usageJson)
redis.call('HINCRBYFLOAT', meta, 'spentUsd', cost)
if redis.call('HGET', meta, 'status') == 'cancelling' then
  emit('task.cancelled', taskId, '')
  settle(taskId, 'cancelled', now)
  return 'cancelled'
end
redis.call('SET', result, resultJson, 'EX', ttl)
redis.call('RPUSH', history, eventJson)
redis.call('LTRIM', history, -maxHistory, -1)
redis.call('EXPIRE', history, ttl)
redis.call('HSET', states, taskId, 'generated')
emit('task.generated', taskId, token)
return 'committed'`);

/**
 * Marks a generated task succeeded (its files are on disk) and releases the dependents whose
 * last dependency it was, reserving a job generation for each in KEYS[11] (the jobs hash).
 * A verify task passes its verdict (JSON, '' for other tasks): it becomes the chain's
 * `verification`, and unless the verify failed, the rungs waiting on it are settled
 * `unneeded` instead of released. With a run token, only that run's result completes the
 * task. ARGV: taskId, now, verdictJson, runToken ('' for any). Returns {released id, its
 * generation, …} with the chain's final status as the last element ('' while the chain goes
 * on), or {'noop'}.
 */
export const COMPLETE_TASK = script(`
local jobs = KEYS[11]
local taskId, now, verdict, token = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HGET', states, taskId) ~= 'generated' then return {'noop'} end
if token ~= '' then
  local raw = redis.call('HGET', runs, taskId)
  if not raw or cjson.decode(raw).token ~= token then return {'noop'} end
end
local released = {}
local finished = false
local stopping = redis.call('HGET', meta, 'status') == 'cancelling' or redis.call('HGET', meta, 'stopReason')
local unneeded = false
if verdict ~= '' then
  redis.call('HSET', meta, 'verification', verdict)
  unneeded = cjson.decode(verdict).outcome ~= 'failed'
end
if unneeded then
  -- Settled before this task, so that the chain's end is decided by this task's own settle.
  finished = settleDependents(taskId, 'unneeded', now, nil)
elseif not stopping then
  for _, dependent in ipairs(cjson.decode(redis.call('HGET', dependents, taskId) or '[]')) do
    local left = redis.call('HINCRBY', pending, dependent, -1)
    if left <= 0 and redis.call('HGET', states, dependent) == 'waiting' then
      redis.call('HSET', states, dependent, 'queued')
      table.insert(released, dependent)
      table.insert(released, tostring(redis.call('HINCRBY', jobs, dependent, 1)))
    end
  end
  local ttl = tonumber(redis.call('HGET', meta, 'ttl') or '')
  if ttl then redis.call('EXPIRE', jobs, ttl) end
end
emit('task.succeeded', taskId, '')
finished = settle(taskId, 'succeeded', now) or finished
table.insert(released, finished or '')
return released`);

/**
 * Fails a task for good (permanent error or attempts used up) and skips its waiting
 * dependents. ARGV: taskId, reason, now, runToken ('' to fail regardless of the run), stop
 * ('' or a stop reason such as 'spend_limit': then nothing else starts either).
 * Returns the chain's final status, '' while it goes on, or 'noop'.
 */
export const FAIL_TASK = script(`
local taskId, reason, now, token, stop = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local state = redis.call('HGET', states, taskId)
if not state or isFinal(state) then return 'noop' end
if token ~= '' then
  local raw = redis.call('HGET', runs, taskId)
  if not raw or cjson.decode(raw).token ~= token then return 'noop' end
end
local stopping = stop and stop ~= ''
-- Set first, so that the chain ends budget_exceeded even when this was its last task.
if stopping then redis.call('HSET', meta, 'stopReason', stop) end
releaseReservation(taskId)
redis.call('HSET', errors, taskId, reason)
emit('task.failed', taskId, reason)
local finished = settle(taskId, 'failed', now)
finished = skipDependents(taskId, now) or finished
if stopping and not finished then
  -- The whole account is stopped (a spend limit): start nothing else; running tasks finish.
  -- Marked, so that the retry that lifts the stop reopens exactly these.
  local all = redis.call('HGETALL', states)
  for i = 1, #all, 2 do
    if all[i + 1] == 'waiting' or all[i + 1] == 'queued' then redis.call('HSET', errors, all[i], STOP_SKIP) end
  end
  emit('chain.budgetExceeded', '', stop)
  finished = settleUnstarted('skipped', now, false)
end
return finished or ''`);

/**
 * Puts a running task back in the queue (a retry, a rate limit, a shutdown) if the run still
 * holds it. ARGV: taskId, runToken, reason. Returns 'requeued' | 'stale'.
 */
export const REQUEUE_TASK = script(`
local taskId, token, reason = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', states, taskId) ~= 'running' then return 'stale' end
local raw = redis.call('HGET', runs, taskId)
if not raw or cjson.decode(raw).token ~= token then return 'stale' end
releaseReservation(taskId)
redis.call('HSET', states, taskId, 'queued')
redis.call('HSET', errors, taskId, reason)
emit('task.retrying', taskId, reason)
return 'requeued'`);

/**
 * Cancels the chain: nothing new starts, unstarted and unapplied tasks are cancelled, and
 * running ones are cancelled by their workers (CANCEL_RUNNING). ARGV: now.
 * Returns the chain's final status, '' while tasks still run, or 'noop' when already final.
 */
export const CANCEL_CHAIN = script(`
local now = ARGV[1]
local status = redis.call('HGET', meta, 'status')
if not status then return 'unknown' end
if status ~= 'queued' and status ~= 'running' and status ~= 'cancelling' then return 'noop' end
redis.call('HSET', meta, 'status', 'cancelling')
emit('chain.cancelling', '', '')
return settleUnstarted('cancelled', now, true) or ''`);

/** A running task stopped because its chain was cancelled. ARGV: taskId, now. */
export const CANCEL_RUNNING = script(`
local taskId, now = ARGV[1], ARGV[2]
local state = redis.call('HGET', states, taskId)
if state ~= 'running' and state ~= 'queued' and state ~= 'generated' then return 'noop' end
releaseReservation(taskId)
emit('task.cancelled', taskId, '')
return settle(taskId, 'cancelled', now) or ''`);

/**
 * Runs a failed, skipped or cancelled task again: it is queued if all its dependencies
 * succeeded (else it waits), the dependents skipped because of it wait again, and a finished
 * chain is running again. KEYS[11] is the jobs hash. ARGV: taskId.
 * Returns {'queued', generation} | {'waiting'} | {'noop', state}.
 */
export const RETRY_TASK = script(`
local jobs = KEYS[11]
local taskId = ARGV[1]
local state = redis.call('HGET', states, taskId)
if state ~= 'failed' and state ~= 'cancelled' and state ~= 'skipped' then return {'noop', state or ''} end
local function reopen(id, next)
  local old = redis.call('HGET', states, id)
  redis.call('HINCRBY', meta, old, -1)
  redis.call('HINCRBY', meta, 'remaining', 1)
  redis.call('HSET', states, id, next)
  redis.call('HDEL', errors, id)
end
local ready = tonumber(redis.call('HGET', pending, taskId) or '0') <= 0
reopen(taskId, ready and 'queued' or 'waiting')
local queue = cjson.decode(redis.call('HGET', dependents, taskId) or '[]')
local i = 1
while i <= #queue do
  local dependent = queue[i]
  if redis.call('HGET', states, dependent) == 'skipped' then
    reopen(dependent, 'waiting')
    for _, next in ipairs(cjson.decode(redis.call('HGET', dependents, dependent) or '[]')) do table.insert(queue, next) end
  end
  i = i + 1
end
local status = redis.call('HGET', meta, 'status')
if status ~= 'queued' and status ~= 'running' then
  redis.call('HSET', meta, 'status', 'running')
  redis.call('HDEL', meta, 'finishedAt')
end
-- A retry says the account limit was raised (a chain's own budget stays a stop): reopen what
-- the stop skipped. Ready ones are queued without a job; the driver's reconcile enqueues them.
if redis.call('HGET', meta, 'stopReason') == 'spend_limit' then
  redis.call('HDEL', meta, 'stopReason')
  local all = redis.call('HGETALL', states)
  for i = 1, #all, 2 do
    local id = all[i]
    if all[i + 1] == 'skipped' and redis.call('HGET', errors, id) == STOP_SKIP then
      reopen(id, tonumber(redis.call('HGET', pending, id) or '0') <= 0 and 'queued' or 'waiting')
    end
  end
end
emit('task.retrying', taskId, 'retried by the user')
if not ready then return {'waiting'} end
local generation = redis.call('HINCRBY', jobs, taskId, 1)
local ttl = tonumber(redis.call('HGET', meta, 'ttl') or '')
if ttl then redis.call('EXPIRE', jobs, ttl) end
return {'queued', tostring(generation)}`);
