// The fake Messages API, driven through the real SDK: if these pass, a Takoss client that works
// against the fake speaks the same wire protocol as against api.anthropic.com.
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  MessageStreamEvent,
  Tool,
  ToolUseBlock,
} from '@anthropic-ai/sdk/resources/messages';
import { type FakeAnthropic, type ScriptedFile, startFakeAnthropic } from '../fixtures/fakeAnthropic';

const KEY = 'sk-ant-test-0000000000';
const MODEL = 'claude-test-model';
const writeFileTool: Tool = {
  name: 'write_file',
  input_schema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } },
};
const submitTaskGraphTool: Tool = {
  name: 'submit_task_graph',
  input_schema: { type: 'object', properties: { tasks: { type: 'array' } } },
};
const PLAN = {
  tasks: [
    { id: 'api', title: 'API', description: 'REST API', category: 'backend', dependsOn: [] },
    { id: 'ui', title: 'UI', description: 'Pages', category: 'frontend', template: 'react-page', dependsOn: ['api'] },
  ],
};
const PLAN_2 = { tasks: [{ id: 'docs', title: 'Docs', description: 'README', category: 'docs', dependsOn: [] }] };
const TRICKY: ScriptedFile = {
  path: 'src/página.html',
  content:
    '<p class="x">héllo — 世界 😀\u2028\u0000\t\'quoted\' "double" \\back\\slash</p>\r\n<script>let s = "</script>";</script>\n',
};
const FILES: ScriptedFile[] = [TRICKY, { path: 'README.md', content: '# Demo\n\n' + 'Lorem ipsum. '.repeat(40) }];

const decomposeParams: MessageCreateParamsNonStreaming = {
  model: MODEL,
  max_tokens: 4096,
  tools: [submitTaskGraphTool],
  tool_choice: { type: 'tool', name: 'submit_task_graph' },
  messages: [{ role: 'user', content: 'Build a todo app.' }],
};
function taskParams(messages: MessageParam[]): MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: 8192, tools: [writeFileTool], messages };
}
const firstTurn = (taskId: string): MessageParam[] => [
  { role: 'user', content: `Build your part of the project.\nTask ID: ${taskId}\nCategory: backend` },
];
const toolUses = (m: Message): ToolUseBlock[] => m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
/** The client's side of the loop: echo the assistant turn and answer each tool_use. */
const nextTurn = (messages: MessageParam[], reply: Message): MessageParam[] => [
  ...messages,
  { role: 'assistant', content: reply.content },
  { role: 'user', content: toolUses(reply).map((t) => ({ type: 'tool_result', tool_use_id: t.id, content: 'ok' })) },
];

async function rejectsWith(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  return assert.fail('expected a rejection');
}

describe('fake Anthropic Messages API (through the real SDK)', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  const clientWith = (maxRetries: number): Anthropic =>
    new Anthropic({ apiKey: KEY, baseURL: fake.baseUrl, maxRetries });

  beforeEach(async () => {
    fake = await startFakeAnthropic();
    client = clientWith(0);
  });
  afterEach(() => fake.close());

  describe('decomposition', () => {
    it('answers a non-streaming call with the plan as submit_task_graph input', async () => {
      fake.setScript({ plans: [PLAN] });
      const reply = await client.messages.create(decomposeParams);
      assert.equal(reply.stop_reason, 'tool_use');
      assert.equal(reply.model, MODEL);
      assert.match(reply.id, /^msg_fake_\d+$/);
      const [use, ...rest] = toolUses(reply);
      assert.equal(rest.length, 0);
      assert.equal(use?.name, 'submit_task_graph');
      assert.deepEqual(use?.input, PLAN);
      assert.deepEqual(
        fake.requests.map((r) => [r.kind, r.turn, r.answered]),
        [['decompose', 0, 'ok']],
      );
    });

    it('streams the plan, and gives the n-th call plans[n], repeating the last', async () => {
      fake.setScript({ plans: [PLAN, PLAN_2] });
      const streamed = await client.messages.stream(decomposeParams).finalMessage();
      assert.equal(streamed.stop_reason, 'tool_use');
      assert.deepEqual(toolUses(streamed)[0]?.input, PLAN);
      assert.deepEqual(toolUses(await client.messages.create(decomposeParams))[0]?.input, PLAN_2);
      assert.deepEqual(toolUses(await client.messages.create(decomposeParams))[0]?.input, PLAN_2);
    });
  });

  describe('task execution', () => {
    it('streams one write_file per file on turn 0, then the summary with end_turn on turn 1', async () => {
      fake.setScript({ tasks: { api: { files: FILES, summary: 'Wrote the API.' } } });
      const events: MessageStreamEvent[] = [];
      const stream = client.messages.stream(taskParams(firstTurn('api')));
      stream.on('streamEvent', (e) => events.push(e));
      const turn0 = await stream.finalMessage();
      assert.equal(turn0.stop_reason, 'tool_use');
      const uses = toolUses(turn0);
      assert.deepEqual(
        uses.map((u) => [u.name, u.input]),
        FILES.map((f) => ['write_file', { path: f.path, content: f.content }]),
      );
      assert.equal(new Set(uses.map((u) => u.id)).size, uses.length);
      uses.forEach((u) => assert.match(u.id, /^toolu_fake_\d+$/));
      // Realistic chunking: every file's JSON arrives in several pieces.
      for (const index of [0, 1]) {
        const pieces = events.filter((e) => e.type === 'content_block_delta' && e.index === index);
        assert.ok(pieces.length > 3, `block ${index} came in ${pieces.length} pieces`);
      }
      assert.ok(turn0.usage.input_tokens > 0 && turn0.usage.output_tokens > 0);
      assert.equal(turn0.usage.cache_read_input_tokens, 0);
      assert.equal(turn0.usage.cache_creation_input_tokens, 0);

      const turn1 = await client.messages.stream(taskParams(nextTurn(firstTurn('api'), turn0))).finalMessage();
      assert.equal(turn1.stop_reason, 'end_turn');
      assert.deepEqual(
        turn1.content.map((b) => (b.type === 'text' ? b.text : b.type)),
        ['Wrote the API.'],
      );
      assert.equal(events.filter((e) => e.type === 'message_start').length, 1);
    });

    it('records kind, task, turn and first user text; requestsFor filters by task', async () => {
      fake.setScript({ tasks: { api: { files: FILES }, ui: {} } });
      await client.messages.create(decomposeParams);
      const api0 = await client.messages.create(taskParams(firstTurn('api')));
      await client.messages.create(taskParams(firstTurn('ui')));
      await client.messages.create(taskParams(nextTurn(firstTurn('api'), api0)));
      assert.deepEqual(
        fake.requestsFor('api').map((r) => [r.kind, r.taskId, r.turn, r.answered]),
        [
          ['task', 'api', 0, 'ok'],
          ['task', 'api', 1, 'ok'],
        ],
      );
      assert.deepEqual(
        fake.requests.map((r) => r.kind),
        ['decompose', 'task', 'task', 'task'],
      );
      const first = fake.requestsFor('ui')[0];
      assert.match(first?.firstUserText ?? '', /^Task ID: ui$/m);
      assert.equal(first?.body.model, MODEL);
      assert.equal(first?.headers.authorization, `Bearer ${KEY}`);
    });

    it('finds the Task ID in any text block; unknown tasks get the default summary, or a 400 when not allowed', async () => {
      const content = [
        { type: 'text' as const, text: 'Context from dependencies…' },
        { type: 'text' as const, text: 'Task ID: ghost' },
      ];
      const reply = await client.messages.create(taskParams([{ role: 'user', content }]));
      assert.equal(reply.stop_reason, 'end_turn');
      assert.deepEqual(reply.content, [{ type: 'text', text: 'Done.' }]);
      assert.equal(fake.requests[0]?.firstUserText, 'Context from dependencies…\nTask ID: ghost');

      fake.setScript({ allowUnknownTasks: false });
      const err = await rejectsWith(client.messages.create(taskParams(firstTurn('ghost'))));
      assert.ok(err instanceof Anthropic.BadRequestError);
      assert.equal(err.type, 'invalid_request_error');
      assert.match(err.message, /ghost/);
    });

    it('uses scripted usage and delay', async () => {
      fake.setScript({ tasks: { db: { delayMs: 300, usage: { inputTokens: 1234, cacheReadTokens: 99 } } } });
      const started = performance.now();
      const reply = await client.messages.stream(taskParams(firstTurn('db'))).finalMessage();
      assert.ok(performance.now() - started >= 290);
      assert.equal(reply.usage.input_tokens, 1234);
      assert.equal(reply.usage.cache_read_input_tokens, 99);
      assert.ok(reply.usage.output_tokens > 0);
    });

    it('rejects a tool_use without a tool_result in the next message, as the real API does', async () => {
      fake.setScript({ tasks: { api: { files: FILES } } });
      const turn0 = await client.messages.create(taskParams(firstTurn('api')));
      const messages: MessageParam[] = [
        ...firstTurn('api'),
        { role: 'assistant', content: turn0.content },
        { role: 'user', content: 'continue' },
      ];
      const err = await rejectsWith(client.messages.create(taskParams(messages)));
      assert.ok(err instanceof Anthropic.BadRequestError);
      assert.match(err.message, /tool_result/);
    });
  });

  describe('auth and protocol', () => {
    const post = (path: string, headers: Record<string, string>, body: string): Promise<Response> =>
      fetch(fake.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const rawBody = JSON.stringify(taskParams(firstTurn('raw')));

    it('accepts Authorization: Bearer (what the SDK sends) and x-api-key; neither is a 401', async () => {
      await client.messages.create(taskParams(firstTurn('sdk')));
      assert.equal(fake.requests[0]?.headers.authorization, `Bearer ${KEY}`);

      const withKey = await post('/v1/messages', { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' }, rawBody);
      assert.equal(withKey.status, 200);
      assert.equal(((await withKey.json()) as Message).stop_reason, 'end_turn');

      const without = await post('/v1/messages', {}, rawBody);
      assert.equal(without.status, 401);
      const body = (await without.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, 'authentication_error');
      assert.deepEqual(
        fake.requests.map((r) => r.answered),
        ['ok', 'ok', 'fault'],
      );
    });

    it('answers 404 for other paths and 400 for a body that is not JSON', async () => {
      const notFound = await post('/v1/complete', { 'x-api-key': KEY }, rawBody);
      assert.equal(notFound.status, 404);
      assert.equal(((await notFound.json()) as { error: { type: string } }).error.type, 'not_found_error');
      const badJson = await post('/v1/messages', { 'x-api-key': KEY }, '{"model": ');
      assert.equal(badJson.status, 400);
      assert.equal(((await badJson.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    });
  });

  describe('faults', () => {
    const params = taskParams(firstTurn('api'));

    it('529 then success through the SDK’s own retry', async () => {
      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'http', status: 529 }] } } });
      const reply = await clientWith(2).messages.stream(params).finalMessage();
      assert.equal(toolUses(reply).length, FILES.length);
      assert.deepEqual(
        fake.requestsFor('api').map((r) => r.answered),
        ['fault', 'ok'],
      );
    });

    it('429 with retry-after: the SDK waits that long before retrying', async () => {
      fake.setScript({ tasks: { api: { faults: [{ kind: 'http', status: 429, retryAfterSeconds: 1 }] } } });
      const started = performance.now();
      await clientWith(1).messages.create(params);
      // The SDK sleeps exactly 1000 ms; Node timers may fire up to ~1 ms early, hence the small margin.
      assert.ok(performance.now() - started >= 995, `${performance.now() - started} ms`);
      const [first, second] = fake.requestsFor('api');
      assert.ok(first && second && second.at - first.at >= 995);
    });

    it('400 is not retried, and the error type and message come through', async () => {
      const fault = { kind: 'http' as const, status: 400, message: 'prompt is too long' };
      fake.setScript({ tasks: { api: { faults: [fault] } } });
      const err = await rejectsWith(clientWith(2).messages.create(params));
      assert.ok(err instanceof Anthropic.BadRequestError);
      assert.equal(err.type, 'invalid_request_error');
      assert.match(err.message, /prompt is too long/);
      assert.equal(fake.requestsFor('api').length, 1);
    });

    it('streamError: an error event inside a 200 stream throws from the stream and is not retried', async () => {
      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'streamError' }] } } });
      const err = await rejectsWith(clientWith(2).messages.stream(params).finalMessage());
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.status, undefined);
      assert.equal(err.type, 'overloaded_error');
      assert.equal(fake.requestsFor('api').length, 1);
    });

    it('reset: mid-stream it is a plain AnthropicError ("terminated"), not retried; before the answer, a retried APIConnectionError', async () => {
      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'reset' }, { kind: 'reset' }] } } });
      // Headers already came, so the SDK's retry loop is over: undici's "terminated" surfaces as is.
      const midStream = await rejectsWith(clientWith(2).messages.stream(params).finalMessage());
      assert.ok(midStream instanceof Anthropic.AnthropicError);
      assert.ok(!(midStream instanceof Anthropic.APIError));
      assert.match(midStream.message, /terminated/);
      assert.equal(fake.requestsFor('api').length, 1);

      const beforeAnswer = await rejectsWith(client.messages.create(params));
      assert.ok(beforeAnswer instanceof Anthropic.APIConnectionError);

      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'reset' }] } } });
      const retried = await clientWith(2).messages.create(params);
      assert.equal(toolUses(retried).length, FILES.length);
    });

    it('hang without headers is ended by the SDK timeout', async () => {
      fake.setScript({ tasks: { api: { faults: [{ kind: 'hang' }] } } });
      const err = await rejectsWith(client.messages.stream(params, { timeout: 300 }).finalMessage());
      assert.ok(err instanceof Anthropic.APIConnectionTimeoutError);
    });

    it('hang mid-stream is ended by an AbortController (the SDK timeout stops at the headers)', async () => {
      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'hang', afterEvents: 4 }] } } });
      const abort = new AbortController();
      const seen: string[] = [];
      const stream = client.messages.stream(params, { signal: abort.signal, timeout: 200 });
      stream.on('streamEvent', (e) => {
        seen.push(e.type);
        if (seen.length === 3) setTimeout(() => abort.abort(), 400); // well past the timeout
      });
      const err = await rejectsWith(stream.finalMessage());
      assert.ok(err instanceof Anthropic.APIUserAbortError);
      // 4 events sent, the `ping` is swallowed by the SDK.
      assert.deepEqual(seen, ['message_start', 'content_block_start', 'content_block_delta']);
    });

    it('close() ends a hanging request the client never aborts', async () => {
      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'hang', afterEvents: 2 }] } } });
      const pending = rejectsWith(client.messages.stream(params).finalMessage());
      while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      await fake.close();
      assert.match((await pending).message, /terminated/);
    });

    it('maxTokens: stop_reason max_tokens; the cut file arrives without content, the others intact', async () => {
      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'maxTokens' }, { kind: 'maxTokens' }] } } });
      // The SDK does not throw on the incomplete JSON: its partial-JSON parser drops the unterminated
      // `content` string, so the last write_file comes back as `{path}` only. Same for non-streaming.
      for (const reply of [await client.messages.stream(params).finalMessage(), await client.messages.create(params)]) {
        assert.equal(reply.stop_reason, 'max_tokens');
        assert.deepEqual(
          toolUses(reply).map((u) => u.input),
          [{ path: TRICKY.path, content: TRICKY.content }, { path: 'README.md' }],
        );
      }
    });

    it('refusal: stop_reason refusal and no tool use', async () => {
      fake.setScript({ tasks: { api: { files: FILES, faults: [{ kind: 'refusal' }] } } });
      const reply = await client.messages.stream(params).finalMessage();
      assert.equal(reply.stop_reason, 'refusal');
      assert.equal(toolUses(reply).length, 0);
    });

    it('faults are consumed per turn-0 call only, and setScript resets them', async () => {
      const script = {
        tasks: { api: { files: FILES, faults: [{ kind: 'refusal' as const }, { kind: 'refusal' as const }] } },
      };
      fake.setScript(script);
      const stop = async (messages: MessageParam[]): Promise<string | null> =>
        (await client.messages.create(taskParams(messages))).stop_reason;
      const later: MessageParam[] = [
        ...params.messages,
        { role: 'assistant', content: 'Let me think.' },
        { role: 'user', content: 'Go on.' },
      ];
      assert.equal(await stop(params.messages), 'refusal');
      assert.equal(await stop(later), 'end_turn'); // turn 1: no fault consumed
      assert.equal(await stop(params.messages), 'refusal');
      assert.equal(await stop(params.messages), 'tool_use');
      fake.setScript(script);
      assert.equal(await stop(params.messages), 'refusal');
      assert.deepEqual(
        fake.requestsFor('api').map((r) => [r.turn, r.answered]),
        [
          [0, 'fault'],
          [1, 'ok'],
          [0, 'fault'],
          [0, 'ok'],
          [0, 'fault'],
        ],
      );
    });
  });
});
