import http from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';

/**
 * Limits on how long a client may take to send a request. Node's defaults (300 s for a request) let a
 * client trickling a body byte by byte hold a connection, and a few hundred of them the service. A
 * monitor's or a browser's request is sent in well under a second; these leave ample room for a slow
 * clinic network and the largest body the API takes (1 MB).
 */
export const HTTP_TIMEOUTS = {
  /** All of a request's headers. */
  headersTimeoutMs: 10_000,
  /** The whole request, headers and body: a body still arriving after this is cut off (408). */
  requestTimeoutMs: 30_000,
  /** An idle kept-alive connection between requests, as told to clients (`Keep-Alive: timeout=5`). */
  keepAliveTimeoutMs: 5_000,
  /**
   * How much longer than it tells them the server keeps an idle connection open. A client closes its
   * idle connections on a timer set from the advertised time; when its event loop runs late (a busy
   * script, a garbage collection) the timer fires late, and a request it sends on a connection the
   * server has just closed fails with no answer. With this margin such a request still finds the
   * connection open (Node 24's `keepAliveTimeoutBuffer` does the same; Node 20 has none).
   */
  keepAliveGraceMs: 5_000,
  /** How often the limits above are checked: a trickling client is closed at most this much late. */
  checkIntervalMs: 1_000,
} as const;

const KEEP_ALIVE_HINT = `timeout=${HTTP_TIMEOUTS.keepAliveTimeoutMs / 1000}`;

/**
 * Every response tells the advertised keep-alive time. Node writes its own `Keep-Alive` header from
 * the time it enforces, and only when no handler set one: this sets it first, for the API, the
 * dashboard and socket.io's long-polling alike.
 */
class KeepAliveHintResponse extends http.ServerResponse {
  constructor(request: http.IncomingMessage) {
    super(request);
    this.setHeader('Keep-Alive', KEEP_ALIVE_HINT);
  }
}

/**
 * Nest's Express adapter with an HTTP server created with the limits above (the checking interval can
 * only be given when the server is created). Long-polling and websockets are unaffected: a poll's
 * request has no body and is complete at once, and an upgraded socket has left the HTTP server.
 */
export class BoundedExpressAdapter extends ExpressAdapter {
  override initHttpServer(): void {
    const server = http.createServer(
      {
        headersTimeout: HTTP_TIMEOUTS.headersTimeoutMs,
        requestTimeout: HTTP_TIMEOUTS.requestTimeoutMs,
        keepAliveTimeout: HTTP_TIMEOUTS.keepAliveTimeoutMs + HTTP_TIMEOUTS.keepAliveGraceMs,
        connectionsCheckingInterval: HTTP_TIMEOUTS.checkIntervalMs,
        ServerResponse: KeepAliveHintResponse,
      },
      this.getInstance<http.RequestListener>(),
    );
    this.setHttpServer(server);
  }
}
