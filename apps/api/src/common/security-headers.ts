import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Server } from 'socket.io';

/**
 * The Content Security Policy the dashboard (a Vite build: module scripts and CSS from /assets, uPlot
 * drawing on canvas, Web Audio), the printable record page (inline <style>) and Swagger UI at
 * /api/docs (its own scripts, data: icons) all run under, checked in headless Chromium. Scripts come
 * only from the service itself: no inline script, no eval. Styles may be inline (the record page and
 * uPlot set them); that cannot run code.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  // 'self' covers same-origin ws:/wss: for socket.io.
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

/**
 * helmet: the CSP above, `X-Frame-Options: DENY` (for browsers without frame-ancestors), nosniff,
 * `Referrer-Policy: no-referrer` (a session's address never leaves in a Referer), HSTS (honoured only
 * over HTTPS). No upgrade-insecure-requests: a clinic may serve the dashboard over plain HTTP on its
 * own network, where it would break every asset.
 */
export const securityHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});

const API = /^\/api\/v\d+\//;

/**
 * Every API response may carry patient data (sessions, readings, the record page, the audit trail):
 * none is kept by a browser or a shared cache. Set before the route runs, so error answers carry it too.
 */
export function noStoreForApi(request: Request, response: Response, next: NextFunction): void {
  if (API.test(request.path)) response.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * socket.io's long-polling answers carry vitals too. engine.io already sends `cache-control: no-store`
 * on them (checked by the tests); nosniff is added here.
 */
export function noSniffForSockets(io: Server): void {
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['x-content-type-options'] = 'nosniff';
  });
}
