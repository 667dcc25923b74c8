import assert from 'node:assert/strict';
import { redactSecrets, redactUrl } from '../../server/src/redact';

describe('redaction', () => {
  it('masks the password of a connection URL and keeps the rest', () => {
    assert.equal(redactUrl('postgresql://takoss:s3cret@db:5432/takoss'), 'postgresql://takoss:***@db:5432/takoss');
    assert.equal(redactUrl('redis://:pw@cache:6379/0'), 'redis://:***@cache:6379/0');
    assert.equal(redactUrl('redis://cache:6379'), 'redis://cache:6379');
  });

  it('masks API keys, bearer tokens and URL passwords inside any text', () => {
    const text =
      'calling with sk-ant-api03-AbCdEf123456_xyz and Authorization: Bearer abcdefghijkl ' +
      'against postgres://u:p4ss@h/db';
    const redacted = redactSecrets(text);
    assert.doesNotMatch(redacted, /AbCdEf123456/);
    assert.doesNotMatch(redacted, /abcdefghijkl/);
    assert.doesNotMatch(redacted, /p4ss/);
    assert.match(redacted, /sk-ant-\*\*\*/);
    assert.match(redacted, /postgres:\/\/u:\*\*\*@h\/db/);
  });

  it('masks known secrets of any shape, but not short strings that would hit ordinary words', () => {
    assert.equal(redactSecrets('key=custom-proxy-key-42 ok', ['custom-proxy-key-42']), 'key=*** ok');
    assert.equal(redactSecrets('a short ok', ['ok']), 'a short ok');
  });
});
