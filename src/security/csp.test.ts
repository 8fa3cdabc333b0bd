import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedHostsText, blockedUrlMessage, connectAllowed, contentSecurityPolicy, MODEL_HOSTS } from './csp';

const PAGE = 'http://127.0.0.1:4173';

test('connect-src: the page itself and the model hosts are allowed, any other host is not', () => {
  assert.equal(connectAllowed('/packs/demo/manifest.json', PAGE), true);
  assert.equal(connectAllowed(`${PAGE}/x/manifest.json`, PAGE), true);
  assert.equal(connectAllowed('https://huggingface.co/a/b/resolve/main/manifest.json', PAGE), true);
  assert.equal(connectAllowed('https://cdn-lfs.hf.co/x', PAGE), true);
  assert.equal(connectAllowed('https://github.com/o/r/releases/download/t/f.onnx', PAGE), true);
  assert.equal(connectAllowed('https://example.com/manifest.json', PAGE), false);
  assert.equal(connectAllowed('http://huggingface.co/x', PAGE), false, 'http is not https');
  assert.equal(connectAllowed('https://evilhuggingface.co/x', PAGE), false, 'a suffix is not a subdomain');
  assert.equal(connectAllowed('https://huggingface.co:8443/x', PAGE), false, 'another port');
  assert.equal(connectAllowed('http://127.0.0.1:9999/manifest.json', PAGE), false, 'another port of localhost');
  assert.equal(connectAllowed('not a url ::', 'about:blank'), false);
  // The policy the server sends lists exactly these hosts.
  for (const host of MODEL_HOSTS) assert.ok(contentSecurityPolicy({ dev: false }).includes(host));
});

test('a blocked pack URL names its host, the allowed hosts and how to allow one', () => {
  assert.equal(blockedUrlMessage('https://huggingface.co/x/manifest.json', PAGE), null);
  const m = blockedUrlMessage('https://models.example.org/pack/manifest.json', PAGE)!;
  assert.match(m, /^models\.example\.org is not an allowed host/);
  assert.match(m, /Content-Security-Policy/);
  assert.match(m, /MODEL_HOSTS in src\/security\/csp\.ts/);
  assert.match(m, /Local files/);
  assert.match(allowedHostsText(), /^huggingface\.co and its subdomains, subdomains of hf\.co, github\.com/);
  assert.doesNotMatch(allowedHostsText(), /cdn-lfs/, 'hosts covered by a wildcard are not repeated');
});
