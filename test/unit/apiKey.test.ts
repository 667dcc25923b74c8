import assert from 'node:assert/strict';
import { validateApiKey } from '../../extension/src/settings/apiKeyStore';
import { apiKeyStatus } from '../../server/src/health';

describe('API key checks', () => {
  it('accepts a plausible key and explains what is wrong with others', () => {
    assert.equal(validateApiKey('  sk-ant-api03-abcdefghijklmnopqrstuvwxyz  '), undefined);
    assert.match(validateApiKey('') ?? '', /Paste your Anthropic API key/);
    assert.match(validateApiKey('sk-ant-api03 abcdefghijklmnop') ?? '', /spaces or line breaks/);
    assert.match(validateApiKey('sk-ant-x') ?? '', /too short/);
  });

  it('reports whether the backend has a key without revealing any of it', () => {
    const key = 'sk-ant-api03-secretsecretsecret';
    const status = apiKeyStatus({ ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999' });
    assert.equal(status.configured, true);
    assert.doesNotMatch(status.detail, /secret/);
    assert.match(status.detail, /127\.0\.0\.1:9999/);
    const missing = apiKeyStatus({});
    assert.equal(missing.configured, false);
    assert.match(missing.detail, /ANTHROPIC_API_KEY/);
    assert.match(missing.detail, /Set Anthropic API Key/);
  });
});
