// A minimal HTTP service, the sample application of `dockseal new --example node`.
// It answers 200 with a small JSON document on / and on the health path, 404 elsewhere, routed by polka
// (a real third-party dependency, installed in the image's dependency layer from package-lock.json).
'use strict';

const polka = require('polka');

const port = Number(process.env.PORT || 3000);
const healthPath = process.env.HEALTH_PATH || '/healthz';

function ok(req, res) {
  const body = JSON.stringify({ status: 'ok', service: 'node-example' });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

polka()
  .get('/', ok)
  .get(healthPath, ok)
  .listen(port, '0.0.0.0', (err) => {
    if (err) throw err;
    console.log(`listening on ${port}`);
  });
