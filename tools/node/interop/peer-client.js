#!/usr/bin/env node
// A peer fund's client, written only from Cercles' .proto files with
// @grpc/grpc-js and @grpc/proto-loader, as another fund's developers would:
// it connects over mTLS with the peer fund's certificate, reads the whole
// directory (every page), this fund's statistics, and follows the directory
// stream from the start until it has reached the listed sequence.
//
//   node tools/node/interop/peer-client.js --address HOST:PORT --ca CA.pem \
//     --cert PEER.pem --key PEER.key [--server-name NAME] [--proto-dir DIR]
//
// Prints one JSON object per line: {"directory": ...}, {"stats": ...},
// {"stream": ...}. Exits 0 on success; on a failed call prints
// "peer-client: <CODE NAME>: <message>" on stderr and exits 1 (2 for usage).
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function usage(message) {
  process.stderr.write(`peer-client: ${message}\n`);
  process.stderr.write(
    'usage: peer-client.js --address HOST:PORT --ca CA.pem --cert PEER.pem --key PEER.key ' +
      '[--server-name NAME] [--proto-dir DIR]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const args = {
    'proto-dir': path.resolve(__dirname, '../../../proto'),
    'server-name': '',
    timeout: '10',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    if (!flag.startsWith('--') || i + 1 >= argv.length) usage(`bad argument "${flag}"`);
    const name = flag.slice(2);
    if (!['address', 'ca', 'cert', 'key', 'server-name', 'proto-dir', 'timeout'].includes(name)) {
      usage(`unknown option "${flag}"`);
    }
    args[name] = argv[i + 1];
  }
  for (const required of ['address', 'ca', 'cert', 'key']) {
    if (!args[required]) usage(`--${required} is required`);
  }
  return args;
}

function loadFederation(protoDir) {
  const definition = protoLoader.loadSync('cercles/network/v1/federation.proto', {
    includeDirs: [protoDir],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).cercles.network.v1;
}

function fail(error) {
  const code = Object.keys(grpc.status).find((k) => grpc.status[k] === error.code) || 'UNKNOWN';
  process.stderr.write(`peer-client: ${code}: ${error.details || error.message}\n`);
  process.exit(1);
}

function deadline(seconds) {
  return new Date(Date.now() + seconds * 1000);
}

function unary(client, method, request, seconds) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: deadline(seconds) }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

async function listDirectory(client, seconds) {
  const circles = [];
  let pageToken = '';
  let sequence = '0';
  let first = true;
  do {
    const page = await unary(client, 'ListDirectory', { pageSize: 2, pageToken }, seconds);
    if (first) sequence = page.sequence;
    first = false;
    circles.push(...page.circles);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { circles, sequence };
}

// Reads the stream from the start until `untilSequence` is reached.
function followDirectory(client, untilSequence, seconds) {
  return new Promise((resolve, reject) => {
    const seen = new Map();
    let last = '0';
    let done = false;
    const call = client.WatchDirectory({ afterSequence: '0' }, { deadline: deadline(seconds) });
    call.on('data', (change) => {
      last = change.sequence;
      for (const circle of change.circles) seen.set(circle.name, circle.displayName);
      if (BigInt(last) >= BigInt(untilSequence)) {
        done = true;
        call.cancel();
        resolve({ lastSequence: last, circles: [...seen.keys()].sort() });
      }
    });
    call.on('error', (error) => {
      if (!done) reject(error);
    });
    call.on('end', () => {
      if (!done) reject(new Error(`the stream ended before sequence ${untilSequence}`));
    });
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const federation = loadFederation(args['proto-dir']);
  const credentials = grpc.credentials.createSsl(
    fs.readFileSync(args.ca),
    fs.readFileSync(args.key),
    fs.readFileSync(args.cert),
  );
  const options = {};
  if (args['server-name']) options['grpc.ssl_target_name_override'] = args['server-name'];
  const client = new federation.FederationService(args.address, credentials, options);
  const seconds = Number(args.timeout);

  const directory = await listDirectory(client, seconds);
  process.stdout.write(
    JSON.stringify({
      directory: {
        sequence: directory.sequence,
        circles: directory.circles.map((c) => ({
          name: c.name,
          fundId: c.fundId,
          displayName: c.displayName,
          status: c.status,
          region: c.region,
          openSeats: c.openSeats,
        })),
      },
    }) + '\n',
  );
  const stats = await unary(client, 'GetFederationStats', { byRegion: true }, seconds);
  process.stdout.write(
    JSON.stringify({
      stats: {
        fundId: stats.fund.fundId,
        circles: stats.fund.circles,
        members: stats.fund.members,
        activeLoans: stats.fund.activeLoans,
        regions: stats.regions.map((r) => r.region),
      },
    }) + '\n',
  );
  const stream = await followDirectory(client, directory.sequence, seconds);
  process.stdout.write(JSON.stringify({ stream }) + '\n');
  client.close();
}

main().catch(fail);
