import { useCallback, useEffect, useState } from 'react';
import { get } from '../api';

/** A list fetched from the API, with a way to fetch it again after a change. */
export function useList<T>(path: string) {
  const [items, setItems] = useState<T[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reload = useCallback(() => {
    get<T[]>(path).then(setItems, (error: unknown) =>
      setProblem(error instanceof Error ? error.message : 'Could not load.'),
    );
  }, [path]);
  useEffect(reload, [reload]);
  return { items, problem, reload };
}
