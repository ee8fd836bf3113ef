import { useId, useState } from 'react';
import type { ResourceKind, Row } from '../resources';
import { ErrorNote, Json } from '../ui';

/** A JSON document edited as text, checked before it is sent; the service's 4xx answers show beside it. */
export function JsonEditor({ label, initial, submitLabel, onSubmit, onCancel }: {
  label: string;
  initial: Row;
  submitLabel: string;
  onSubmit: (body: Row) => Promise<void>;
  onCancel: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(JSON.stringify(initial, null, 2));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form className="panel editor" onSubmit={async (e) => {
      e.preventDefault();
      let body: Row;
      try {
        body = JSON.parse(text);
      } catch (err) {
        setError(`Not valid JSON: ${(err as Error).message}`);
        return;
      }
      setBusy(true);
      setError(null);
      try {
        await onSubmit(body);
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    }}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} spellCheck={false} rows={Math.min(30, Math.max(8, text.split('\n').length + 1))} value={text}
        onChange={(e) => setText(e.target.value)} />
      <ErrorNote error={error} />
      <div className="buttons">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const SECRET_FIELDS = ['secret', 'key', 'token', 'signingSecret', 'apiKey'];

/** What a create answered; a secret in it is shown this once, as the services never return it again. */
export function SecretOnce({ created, kind, onDone }: { created: Row; kind: ResourceKind; onDone: () => void }) {
  const secrets = SECRET_FIELDS.filter((f) => typeof created[f] === 'string');
  return (
    <div className="panel created" role="status">
      <h2>Created {kind.singular}</h2>
      {secrets.map((f) => (
        <p key={f} className="secret">
          <strong>{f}</strong> (shown once — copy it now): <code>{String(created[f])}</code>
        </p>
      ))}
      <details>
        <summary>The answer as JSON</summary>
        <Json value={Object.fromEntries(Object.entries(created).filter(([k]) => !secrets.includes(k)))} label="Created" />
      </details>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
