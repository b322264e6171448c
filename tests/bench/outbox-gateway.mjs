// A stand-in SMS / e-mail gateway for tests/bench/outbox.sh: accepts every POST whose JSON body
// has an id, and appends "<id> <unix ms>" to the file named by its second argument before it
// answers 200, so an id in the file is a message the gateway took (a kill after the write and
// before the answer makes the sender send it again: a repeat the file shows).
//   node tests/bench/outbox-gateway.mjs PORT FILE
import fs from 'node:fs';
import http from 'node:http';

const [port, file] = process.argv.slice(2);
const fd = fs.openSync(file, 'a');
http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let id;
      try {
        id = JSON.parse(Buffer.concat(chunks).toString('utf8')).id;
      } catch {
        id = undefined;
      }
      if (typeof id !== 'string') {
        res.writeHead(400).end();
        return;
      }
      fs.writeSync(fd, `${id} ${Date.now()}\n`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  })
  .listen(Number(port), '127.0.0.1');
