import { useState } from 'react';
import { getBlob } from '../api';
import { problemWords } from './use-submit';

/**
 * The printable record. GET /sessions/:id/record needs the bearer token, which a link cannot send,
 * so the page is fetched and opened from a Blob URL in a new window.
 */
export function PrintRecordButton({
  sessionId,
  page = 'record',
  label = 'Printable record',
}: {
  sessionId: string;
  page?: 'record' | 'rems-form';
  label?: string;
}) {
  const [problem, setProblem] = useState<string | null>(null);

  const open = async () => {
    setProblem(null);
    // Opened before the fetch, while the click still counts as the user's: pop-up blockers allow it.
    const target = window.open('', '_blank');
    try {
      const blob = await getBlob(`/sessions/${sessionId}/${page}`);
      const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
      if (target) target.location.href = url;
      else window.open(url, '_blank');
      // The new window has loaded it by then; the URL would otherwise live as long as this page.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      target?.close();
      setProblem(problemWords(error));
    }
  };

  return (
    <span className="print-record">
      <button type="button" onClick={() => void open()}>
        {label}
      </button>
      {problem && <span className="problem">{problem}</span>}
    </span>
  );
}
