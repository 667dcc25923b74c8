import * as assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { classifyClaudeError } from '../../server/src/llm/claudeClient';

const body = (type: string, message: string) => ({ type: 'error', error: { type, message } });

describe('Claude API errors as the user reads them', () => {
  it('a refused request says the API’s own words and request id, not the raw JSON', () => {
    const error = new Anthropic.BadRequestError(
      400,
      body('invalid_request_error', 'max_tokens: 99999999 > 64000'),
      undefined,
      new Headers({ 'request-id': 'req_123' }),
    );
    const classified = classifyClaudeError(error);
    assert.equal(
      classified.message,
      'The Anthropic API refused the request (400): invalid_request_error: max_tokens: 99999999 > 64000 (request req_123)',
    );
    assert.equal(classified.advice, 'never');
  });

  it('an overloaded API is retried, and named', () => {
    const error = Anthropic.APIError.generate(529, body('overloaded_error', 'Overloaded'), undefined, new Headers());
    const classified = classifyClaudeError(error);
    assert.equal(classified.advice, 'backoff');
    assert.match(classified.message, /unavailable \(529\): overloaded_error: Overloaded$/);
  });

  it('a body without the usual shape falls back to the SDK’s message', () => {
    const error = new Anthropic.BadRequestError(400, 'plain text body', undefined, new Headers());
    assert.equal(
      classifyClaudeError(error).message,
      'The Anthropic API refused the request (400): 400 "plain text body"',
    );
  });
});
