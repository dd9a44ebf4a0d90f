import type { AckError, ErrorCode } from '#contracts';

type Ack = (answer: unknown) => void;

/**
 * What a client sent with an event: socket.io passes the acknowledgement callback, when there is
 * one, as the last argument, after however many payloads the client put in.
 */
export function argumentsOf(args: unknown[]): { payloads: unknown[]; ack: Ack | null } {
  const last = args.at(-1);
  return typeof last === 'function' ? { payloads: args.slice(0, -1), ack: last as Ack } : { payloads: args, ack: null };
}

/** The acknowledgement refusing an event or a reading: `field` names the invalid part, if one is. */
export function refusal(code: AckError['code'], message: string, field?: string): { ok: false; error: AckError } {
  return { ok: false, error: field === undefined ? { code, message } : { code, field, message } };
}

/**
 * A refused socket handshake: the client's `connect_error` has the code as its message (as before
 * codes were listed) and in `data.code`, where clients read it.
 */
export function handshakeRefusal(code: Extract<ErrorCode, 'unauthorized' | 'unavailable'>): Error {
  return Object.assign(new Error(code), { data: { code } });
}
