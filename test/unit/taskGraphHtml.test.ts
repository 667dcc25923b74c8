import assert from 'node:assert/strict';
import { contentSecurityPolicy, newNonce, taskGraphHtml } from '../../extension/src/webview/taskGraphHtml';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const options = {
  cspSource: CSP_SOURCE,
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/index.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/index.css',
  title: 'Takoss: Build a todo app',
};

/** The policy as the browser reads it (the meta tag's content, HTML entities decoded). */
function policyOf(html: string): Map<string, string[]> {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'the page has a CSP meta tag');
  const decoded = match[1]!.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
  return new Map(
    decoded
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...values]): [string, string[]] => [name ?? '', values]),
  );
}

function scriptTags(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
}

describe('task graph HTML', () => {
  describe('content security policy', () => {
    const policy = policyOf(taskGraphHtml({ ...options, nonce: 'fixedNonce123' }));

    it('denies everything by default', () => {
      assert.deepEqual(policy.get('default-src'), ["'none'"]);
      assert.deepEqual(policy.get('base-uri'), ["'none'"]);
      assert.deepEqual(policy.get('form-action'), ["'none'"]);
    });

    it('allows scripts only by nonce: no source, no inline, no eval', () => {
      assert.deepEqual(policy.get('script-src'), ["'nonce-fixedNonce123'"]);
    });

    it('loads styles, images and fonts from the webview source only', () => {
      assert.deepEqual(policy.get('style-src'), [CSP_SOURCE]);
      assert.deepEqual(policy.get('img-src'), [CSP_SOURCE, 'data:']);
      assert.deepEqual(policy.get('font-src'), [CSP_SOURCE]);
    });

    it('never allows unsafe-inline or unsafe-eval anywhere', () => {
      const html = taskGraphHtml(options);
      assert.ok(!html.includes('unsafe-inline'));
      assert.ok(!html.includes('unsafe-eval'));
      assert.ok(!contentSecurityPolicy(CSP_SOURCE, 'n').includes('unsafe'));
    });
  });

  describe('nonce', () => {
    it('puts the policy nonce on the one script tag, which loads the bundle', () => {
      const html = taskGraphHtml({ ...options, nonce: 'fixedNonce123' });
      assert.deepEqual(scriptTags(html), [`<script nonce="fixedNonce123" src="${options.scriptUri}">`]);
    });

    it('makes a fresh nonce on each call and uses it in both places', () => {
      const nonces = new Set<string>();
      for (let index = 0; index < 20; index += 1) {
        const html = taskGraphHtml(options);
        const [scriptSrc] = policyOf(html).get('script-src') ?? [];
        const nonce = /^'nonce-([A-Za-z0-9_-]+)'$/.exec(scriptSrc ?? '')?.[1];
        assert.ok(nonce, `a nonce source in ${scriptSrc}`);
        assert.ok(nonce.length >= 22, 'at least 128 bits of randomness');
        assert.deepEqual(scriptTags(html), [`<script nonce="${nonce}" src="${options.scriptUri}">`]);
        nonces.add(nonce);
      }
      assert.equal(nonces.size, 20);
    });

    it('makes nonces that need no escaping', () => {
      for (let index = 0; index < 50; index += 1) assert.match(newNonce(), /^[A-Za-z0-9_-]{24}$/);
    });
  });

  describe('escaping', () => {
    it('escapes a title with a script in it, in the title and the aria label', () => {
      const html = taskGraphHtml({ ...options, title: 'Takoss: <script>alert(1)</script>' });
      assert.ok(!html.includes('<script>alert'), html);
      assert.ok(!html.includes('</script>alert'));
      assert.equal(scriptTags(html).length, 1, 'only the bundle script tag');
      assert.match(html, /<title>Takoss: &#60;script&#62;alert\(1\)&#60;\/script&#62;<\/title>/);
      assert.match(html, /aria-label="Takoss: &#60;script&#62;alert\(1\)&#60;\/script&#62;"/);
    });

    it('escapes quotes, so a title cannot leave its attribute', () => {
      const html = taskGraphHtml({ ...options, title: `a" onmouseover="alert(1)' x='&` });
      assert.ok(!html.includes('" onmouseover='), html);
      assert.match(html, /aria-label="a&#34; onmouseover=&#34;alert\(1\)&#39; x=&#39;&#38;"/);
    });

    it('escapes the asset URIs in their attributes', () => {
      const html = taskGraphHtml({
        ...options,
        scriptUri: 'https://x/"><script>alert(1)</script>',
        styleUri: 'https://x/"><img src=x onerror=alert(1)>',
      });
      assert.ok(!html.includes('<script>alert'));
      assert.ok(!html.includes('<img'));
    });

    it('keeps an ordinary title as written', () => {
      assert.match(taskGraphHtml(options), /<title>Takoss: Build a todo app<\/title>/);
    });
  });
});
