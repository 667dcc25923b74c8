import assert from 'node:assert/strict';
import path from 'node:path';
import { VERIFY_MODES } from '../../server/src/config';
import type { VerifyConsentParams } from '../../server/src/protocol';
import {
  CONSENT_REFUSALS,
  consentQuestion,
  decideConsent,
  outcomeOfChoice,
  parseVerifyMode,
  type ConsentState,
} from '../../extension/src/workspace/verifyPolicy';

const FOLDER = path.resolve('/work/todo');

const params = (extra: Partial<VerifyConsentParams> = {}): VerifyConsentParams => ({
  chainId: 'chain-1',
  taskId: 'verify-1',
  workspace: FOLDER,
  commands: ['npm ci', 'npm run build', 'npm test'],
  ...extra,
});

const state = (extra: Partial<ConsentState> = {}): ConsentState => ({
  trusted: true,
  openFolders: [FOLDER],
  mode: 'ask',
  chainAllowed: false,
  ...extra,
});

describe('verify consent policy', () => {
  describe('decideConsent', () => {
    it('refuses in an untrusted workspace, whatever the setting and earlier answers', () => {
      for (const mode of VERIFY_MODES) {
        for (const chainAllowed of [false, true]) {
          const decision = decideConsent(params(), state({ trusted: false, mode, chainAllowed }));
          assert.deepEqual(
            decision.kind === 'answer' && decision.answer,
            { allowed: false, reason: 'the workspace is not trusted' },
            `${mode}, allowed before: ${chainAllowed}`,
          );
        }
      }
    });

    it('refuses a folder that is not open in this window (its trust is not this window’s)', () => {
      const decision = decideConsent(params({ workspace: path.resolve('/elsewhere') }), state({ mode: 'always' }));
      assert.equal(decision.kind, 'answer');
      assert.equal(decision.kind === 'answer' && decision.answer.allowed, false);
      assert.match(
        decision.kind === 'answer' ? (decision.answer.reason ?? '') : '',
        /not a folder open in this window/,
      );
      // The same folder written differently is the same folder.
      const spelled = decideConsent(params({ workspace: `${FOLDER}${path.sep}.` }), state({ mode: 'always' }));
      assert.deepEqual(spelled.kind === 'answer' && spelled.answer, { allowed: true });
    });

    it('refuses with never, even for a chain the user allowed before (the setting is read at answer time)', () => {
      for (const chainAllowed of [false, true]) {
        const decision = decideConsent(params(), state({ mode: 'never', chainAllowed }));
        assert.deepEqual(decision.kind === 'answer' && decision.answer, {
          allowed: false,
          reason: 'takoss.verify is never',
        });
      }
    });

    it('allows with always without asking', () => {
      const decision = decideConsent(params(), state({ mode: 'always' }));
      assert.deepEqual(decision.kind === 'answer' && decision.answer, { allowed: true });
    });

    it('asks with ask, unless the user allowed this chain already', () => {
      assert.deepEqual(decideConsent(params(), state({ mode: 'ask' })), { kind: 'ask' });
      const again = decideConsent(params({ taskId: 'verify-2' }), state({ mode: 'ask', chainAllowed: true }));
      assert.deepEqual(again.kind === 'answer' && again.answer, { allowed: true });
    });

    it('says why in every answer, for the log', () => {
      for (const mode of VERIFY_MODES) {
        for (const trusted of [false, true]) {
          const decision = decideConsent(params(), state({ mode, trusted, chainAllowed: true }));
          if (decision.kind === 'answer') assert.ok(decision.why.length > 10, `${mode}/${trusted}`);
        }
      }
    });
  });

  describe('outcomeOfChoice', () => {
    it('Run Checks allows and remembers the chain, without touching the setting', () => {
      assert.deepEqual(outcomeOfChoice('run'), { answer: { allowed: true }, rememberChain: true, setAlways: false });
    });

    it('Always Run allows, remembers the chain and sets takoss.verify to always', () => {
      assert.deepEqual(outcomeOfChoice('always'), { answer: { allowed: true }, rememberChain: true, setAlways: true });
    });

    it('dismissing declines, with the reason the chain records', () => {
      assert.deepEqual(outcomeOfChoice('dismissed'), {
        answer: { allowed: false, reason: 'the user declined to run the checks' },
        rememberChain: false,
        setAlways: false,
      });
    });
  });

  describe('consentQuestion', () => {
    it('names the folder and lists every command, and says they run the project’s own code', () => {
      const { message, detail } = consentQuestion(params());
      assert.match(message, /"todo"/);
      assert.ok(detail.includes(FOLDER));
      assert.ok(detail.includes('  npm ci\n  npm run build\n  npm test\n'));
      assert.match(detail, /They run the project's own code on this machine/);
      assert.match(detail, /verify-1/);
    });

    it('shows control characters escaped, so a command cannot pass for text of the question', () => {
      const { detail } = consentQuestion(params({ commands: ['npm test\n\nNothing will run.'] }));
      assert.ok(detail.includes('  npm test\\n\\nNothing will run.'));
      assert.ok(!detail.includes('\nNothing will run.'));
    });

    it('says when there is nothing to run rather than showing an empty list', () => {
      assert.match(consentQuestion(params({ commands: [] })).detail, /\n {2}\(none\)\n/);
    });
  });

  it('reads the setting’s values as modes, and anything else as ask', () => {
    for (const mode of VERIFY_MODES) assert.equal(parseVerifyMode(mode), mode);
    for (const other of [undefined, null, '', 'Always', 'yes', true, 1, 'toString', 'constructor']) {
      assert.equal(parseVerifyMode(other), 'ask', String(other));
    }
  });

  it('records the reasons the contract names', () => {
    assert.equal(CONSENT_REFUSALS.untrusted, 'the workspace is not trusted');
    assert.equal(CONSENT_REFUSALS.never, 'takoss.verify is never');
    assert.equal(CONSENT_REFUSALS.declined, 'the user declined to run the checks');
  });
});
