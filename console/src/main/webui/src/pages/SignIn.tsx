import { useState } from 'react';
import { ApiError, session, token, type Session } from '../api';

export function SignIn({ error, onSignedIn }: { error: string | null; onSignedIn: (s: Session) => void }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(error);
  const [busy, setBusy] = useState(false);
  return (
    <main className="signin">
      <h1>Agent Triggers console</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          token.set(value.trim());
          try {
            onSignedIn(await session());
          } catch (err) {
            token.clear();
            setProblem(err instanceof ApiError && err.status === 401 ? 'That token is not accepted.' : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label htmlFor="token">Management token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" required value={value}
          onChange={(e) => setValue(e.target.value)} aria-describedby="token-help" />
        <p id="token-help" className="muted">
          A bearer token of the services (admin, operator or viewer). It is kept in this tab only and sent to the
          services with each call.
        </p>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy || !value.trim()}>
          Sign in
        </button>
      </form>
    </main>
  );
}
