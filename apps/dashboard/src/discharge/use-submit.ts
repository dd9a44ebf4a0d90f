import { useState } from 'react';
import { ApiError } from '../api';

/** What went wrong, in words a nurse can act on; the service's own message where it is already plain. */
export function problemWords(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : 'That did not work.';
  const details = error.body?.details as { errors?: string[] } | undefined;
  if (error.status === 400 && details?.errors?.length) return `Not saved: ${details.errors.join('; ')}.`;
  if (error.status === 409) return `Not saved: ${error.message}.`;
  if (error.code === 'forbidden') return 'Your role may not do this.';
  return error.message;
}

/** One form's submission: busy while under way, the problem in words when refused. */
export function useSubmit(describe: (error: unknown) => string = problemWords) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      return true;
    } catch (error) {
      setProblem(describe(error));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run };
}
