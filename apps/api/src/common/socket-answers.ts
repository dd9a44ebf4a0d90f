import type { AckError } from '#contracts';

type Ack = (answer: unknown) => void;

/**
 * What a client sent with an event: socket.io passes the acknowledgement callback, when there is
 * one, as the last argument, after however many payloads the client put in.
 */
export function argumentsOf(args: unknown[]): { payloads: unknown[]; ack: Ack | null } {
  const last = args.at(-1);
  return typeof last === 'function' ? { payloads: args.slice(0, -1), ack: last as Ack } : { payloads: args, ack: null };
}

/** The acknowledgement refusing an event, or its payload, as invalid. */
export const refusal = (field: string, message: string): { ok: false; error: AckError } => ({
  ok: false,
  error: { code: 'validation_failed', field, message },
});
