import { isUtf8 } from 'node:buffer';
import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error-body.js';

/**
 * Input that no endpoint ever needs and that must not reach the validators, the database or the
 * audit trail: bodies that are not UTF-8 or not JSON, nesting deeper than any DTO (the validators
 * recurse and would overflow the stack), keys that name JavaScript internals (`__proto__`,
 * `toString`, …: dropped silently by the transformer instead of being refused as unknown fields), and
 * strings PostgreSQL cannot store (NUL) or that are not Unicode (unpaired surrogates, refused by jsonb).
 */
export const MAX_INPUT_DEPTH = 32;
// Names of Object.prototype's members (`__proto__`, `constructor`, `toString`, …): class-transformer
// skips them, so the ValidationPipe would never see them to refuse them as unknown fields.
const isForbiddenKey = (key: string) => key in Object.prototype || key === 'prototype';
// A UTF-16 surrogate without its partner: not a character, and PostgreSQL's jsonb refuses it.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isStorableText = (text: string) => !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);

/** The first problem in a parsed body, query or path parameter, or `null`. Iterative: any depth is safe. */
export function unsafeInputProblem(input: unknown): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: input, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return `${path || 'value'} must be Unicode text without NUL characters`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return `input is nested more than ${MAX_INPUT_DEPTH} levels deep`;
    for (const key of Object.keys(value)) {
      if (isForbiddenKey(key)) return `the field name "${key}" is not allowed`;
      if (!isStorableText(key)) return 'field names must be Unicode text without NUL characters';
      const child = (value as Record<string, unknown>)[key];
      stack.push({ value: child, depth: depth + 1, path: path ? `${path}.${key.slice(0, 40)}` : key.slice(0, 40) });
    }
  }
  return null;
}

/** Runs before the ValidationPipe on every body, query and path parameter. */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return value;
    const problem = unsafeInputProblem(value);
    if (problem) throw new BadRequestException(problem);
    return value;
  }
}

/**
 * After the JSON body parser (which runs with `rawBody: true`): bytes that are not UTF-8 are refused,
 * where the parser would have replaced them with U+FFFD and let the request through.
 */
export function refuseInvalidUtf8(request: Request, response: Response, next: NextFunction): void {
  const raw = (request as Request & { rawBody?: Buffer }).rawBody;
  if (!raw || isUtf8(raw)) return next();
  sendError(response, new BadRequestException('the request body is not valid UTF-8'));
}

/** A request that carries a body must say it is JSON (the only body the API reads): 415 otherwise. */
export function requireJsonBody(request: Request, response: Response, next: NextFunction): void {
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody || !request.path.startsWith('/api/') || request.is('application/json')) return next();
  sendError(response, new UnsupportedMediaTypeException('the request body must be application/json'));
}
