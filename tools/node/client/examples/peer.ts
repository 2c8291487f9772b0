// A partner fund connecting to a Cercles fund with the typed client of
// tools/node/client/gen (scripts/ts-client) over gRPC (@connectrpc/connect-node):
//
// 1. (optional, the Cercles fund's staff) registers the partner as a peer fund
//    with PeerFundService on network's staff port, as an admin (bearer token),
//    keyed by a request_id so that a retry is a replay, not a second peer;
// 2. as the peer, over mTLS with its own certificate (from its own CA) on
//    network's federation port: reads the whole directory (ListDirectory, every
//    page), then follows it (WatchDirectory from the start, resumable by
//    sequence) until every expected circle has appeared.
//
//   node dist/examples/peer.js --address HOST:PORT --ca CA.pem --cert PEER.pem \
//     --key PEER.key [--server-name NAME] [--expect "Display name"]... \
//     [--timeout SECONDS] [--register FUND_ID --staff-address HOST:PORT \
//      --staff-ca CA.pem --staff-server-name NAME --admin-token-file FILE]
//
// Prints one JSON object per line ({"registered"}, {"page"}, {"change"},
// {"done"}). Exits 0 when every --expect circle appeared; 1 on a failed call
// ("peer: <CODE>: <message>" on stderr, then the refusal's google.rpc.ErrorInfo
// reason, "  reason: UNAUTHENTICATED", and each google.rpc.BadRequest field
// violation, "  <field>: <rule> (<reason>)") or when the timeout passes first;
// 2 on bad usage.
import { readFileSync } from "node:fs";

import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

import {
  FederationService,
  PeerFundService,
} from "../gen/cercles/network/v1/federation_pb.js";
import type { NetworkCircle } from "../gen/cercles/network/v1/network_pb.js";
import { CircleStatus } from "../gen/cercles/membership/v1/membership_pb.js";
import { BadRequestSchema, ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";

type Options = Record<string, string>;

// The display names of the circles to wait for (--expect, repeatable).
const expected: string[] = [];

const FLAGS = [
  "address", "ca", "cert", "key", "server-name", "expect", "timeout", "register",
  "staff-address", "staff-ca", "staff-server-name", "admin-token-file",
];

function usage(message: string): never {
  process.stderr.write(`peer: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { timeout: "15", "server-name": "" };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!argv[i].startsWith("--") || !FLAGS.includes(name) || i + 1 >= argv.length) {
      usage(`bad argument "${argv[i]}"`);
    }
    if (name === "expect") expected.push(argv[i + 1]);
    else options[name] = argv[i + 1];
  }
  for (const required of ["address", "ca", "cert", "key"]) {
    if (!options[required]) usage(`--${required} is required`);
  }
  if (options.register) {
    for (const required of ["staff-address", "staff-ca", "admin-token-file"]) {
      if (!options[required]) usage(`--${required} is required with --register`);
    }
  }
  return options;
}

function print(line: object): void {
  process.stdout.write(JSON.stringify(line, (_, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
}

// The codes a client retries, the same call with the same request_id
// (cercles/common/v1/conventions.proto, IDEMPOTENCY): nothing was done, or a
// concurrent write won a race. Everything else is an answer (INVALID_ARGUMENT,
// PERMISSION_DENIED, ...), never retried unchanged.
const RETRIED = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.Aborted]);

async function withRetries<T>(call: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const e = ConnectError.from(error);
      if (!RETRIED.has(e.code) || attempt >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

// The Cercles fund's staff register the partner (admin only, staff port: TLS
// with the fund's service CA, a bearer token, no client certificate).
async function register(o: Options): Promise<void> {
  const transport = createGrpcTransport({
    baseUrl: `https://${o["staff-address"]}`,
    nodeOptions: { ca: readFileSync(o["staff-ca"]), servername: o["staff-server-name"] || undefined },
  });
  const peers: Client<typeof PeerFundService> = createClient(PeerFundService, transport);
  const token = readFileSync(o["admin-token-file"], "utf8").trim();
  const request = {
    requestId: `register-${o.register}`,
    peer: { fundId: o.register, certificateCommonName: o.register, displayName: `Partner ${o.register}` },
  };
  const headers = { authorization: `Bearer ${token}` };
  const first = await withRetries(() => peers.registerPeerFund(request, { headers, timeoutMs: 10_000 }));
  // The same request_id again: a replay of the first answer, not ALREADY_EXISTS.
  const replay = await peers.registerPeerFund(request, { headers, timeoutMs: 10_000 });
  print({ registered: { name: first.peer?.name, replayed: replay.peer?.name === first.peer?.name } });
}

async function follow(o: Options): Promise<boolean> {
  // The peer's side: its own certificate and key, and the CA that signed the
  // Cercles fund's federation certificate; the server must present it.
  const transport = createGrpcTransport({
    baseUrl: `https://${o.address}`,
    nodeOptions: {
      ca: readFileSync(o.ca),
      cert: readFileSync(o.cert),
      key: readFileSync(o.key),
      servername: o["server-name"] || undefined,
    },
  });
  const federation: Client<typeof FederationService> = createClient(FederationService, transport);
  const seen = new Map<string, NetworkCircle>();
  const missing = () => expected.filter((name) => ![...seen.values()].some((c) => c.displayName === name));
  const show = (c: NetworkCircle) => ({ name: c.name, displayName: c.displayName, status: CircleStatus[c.status] });

  // The directory, page by page: an empty next_page_token is the last page.
  let pageToken = "";
  let sequence = 0n;
  do {
    const page = await withRetries(() =>
      federation.listDirectory({ pageSize: 2, pageToken }, { timeoutMs: 10_000 }),
    );
    page.circles.forEach((c) => seen.set(c.name, c));
    print({ page: { sequence: page.sequence, circles: page.circles.map(show) } });
    sequence = page.sequence;
    pageToken = page.nextPageToken;
  } while (pageToken !== "");
  if (missing().length === 0) return true;

  // Then its changes: resumable from the last sequence received (a dropped
  // stream is reopened with after_sequence = that sequence).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Number(o.timeout) * 1000);
  try {
    for (;;) {
      try {
        for await (const change of federation.watchDirectory({ afterSequence: sequence }, { signal: abort.signal })) {
          change.circles.forEach((c) => seen.set(c.name, c));
          sequence = change.sequence;
          print({ change: { sequence: change.sequence, fundId: change.fundId, circles: change.circles.map(show) } });
          if (missing().length === 0) return true;
        }
      } catch (error) {
        const e = ConnectError.from(error);
        if (abort.signal.aborted) return false;
        if (!RETRIED.has(e.code)) throw e;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  try {
    if (o.register) await register(o);
    const complete = await follow(o);
    print({ done: { complete } });
    if (!complete) process.stderr.write(`peer: timed out waiting for ${JSON.stringify(expected)}\n`);
    return complete ? 0 : 1;
  } catch (error) {
    const e = ConnectError.from(error);
    process.stderr.write(`peer: ${Code[e.code]}: ${e.rawMessage}\n`);
    // Every refusal of a Cercles fund carries an ErrorInfo with a stable reason
    // (cercles/common/v1/conventions.proto, ERRORS) to branch on, and an invalid
    // request one BadRequest field violation per broken rule.
    for (const info of e.findDetails(ErrorInfoSchema)) {
      process.stderr.write(`  reason: ${info.reason}\n`);
    }
    for (const badRequest of e.findDetails(BadRequestSchema)) {
      for (const v of badRequest.fieldViolations) {
        process.stderr.write(`  ${v.field}: ${v.description} (${v.reason})\n`);
      }
    }
    return 1;
  }
}

process.exitCode = await main();
