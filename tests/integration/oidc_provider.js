// A real OpenID provider (npm oidc-provider) for the identity tests, run by
// test_oidc.py on loopback with a port from the kernel.
//
//   node oidc_provider.js SETTINGS.json
//
// SETTINGS: {"clients": [{"id", "secret", "alg": "RS256"|"ES256", "groups": [...]}],
//            "keys_out": "/path/keys.json", "port": 0}   (0 or absent: the kernel picks)
// It generates its own RSA and P-256 signing keys, writes them (private PEM,
// kid, alg) to keys_out so the test can sign tokens this provider could have
// issued (expired, not yet valid: a real provider only issues fresh ones), and
// prints one JSON line {"issuer", "port"} once it listens.
//
// Access tokens are JWTs (resourceIndicators, accessTokenFormat "jwt") for
// the resources urn:gatehouse and urn:other-service, issued by client
// credentials, signed with the algorithm of the client, with the client's
// groups as a "groups" claim (extraTokenClaims). Their "sub" is the client id.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const RESOURCES = ['urn:gatehouse', 'urn:other-service'];

function signing_key(alg) {
  const { privateKey } = alg === 'RS256'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `${alg.toLowerCase()}-${crypto.randomBytes(6).toString('hex')}`;
  return {
    alg,
    kid,
    jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function main() {
  const settings = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const { default: Provider } = await import('oidc-provider');
  const keys = [signing_key('RS256'), signing_key('ES256')];
  fs.writeFileSync(settings.keys_out,
    JSON.stringify(keys.map(({ alg, kid, pem }) => ({ alg, kid, pem }))), { mode: 0o600 });
  const clients = new Map(settings.clients.map((c) => [c.id, c]));

  // The issuer names the port, so the port comes first.
  const server = http.createServer();
  const port = await listen(server, settings.port || 0);
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: settings.clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    jwks: { keys: keys.map((k) => k.jwk) },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCES[0],
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => {
          if (!RESOURCES.includes(resource)) throw new Provider.errors.InvalidTarget();
          return {
            audience: resource,
            scope: 'db',
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: clients.get(client.clientId).alg } },
          };
        },
      },
    },
    extraTokenClaims: (ctx, token) => {
      const c = clients.get(token.clientId);
      return c && c.groups ? { groups: c.groups } : undefined;
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
