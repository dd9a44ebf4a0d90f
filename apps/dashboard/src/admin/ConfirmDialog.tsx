import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A modal question before an action that is hard to undo. Native <dialog>: focus moves into it and
 * Escape cancels; the confirm button is absent when the action cannot be taken (`confirmLabel` null).
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { title, children, confirmLabel, onConfirm, onCancel } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current!;
    if (!element.open) element.showModal();
    return () => element.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h3 id="confirm-title">{title}</h3>
      {children}
      <div className="inline-form">
        {confirmLabel && (
          <button type="button" className="danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
        )}
        <button type="button" autoFocus onClick={onCancel}>
          {confirmLabel ? 'Cancel' : 'Close'}
        </button>
      </div>
    </dialog>
  );
}
