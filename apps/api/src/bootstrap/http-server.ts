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
  /** An idle kept-alive connection between requests. */
  keepAliveTimeoutMs: 5_000,
  /** How often the limits above are checked: a trickling client is closed at most this much late. */
  checkIntervalMs: 1_000,
} as const;

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
        keepAliveTimeout: HTTP_TIMEOUTS.keepAliveTimeoutMs,
        connectionsCheckingInterval: HTTP_TIMEOUTS.checkIntervalMs,
      },
      this.getInstance<http.RequestListener>(),
    );
    this.setHttpServer(server);
  }
}
