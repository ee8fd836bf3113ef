import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, session as loadSession, token, whenUnauthorized, type Session } from './api';
import { href, useRoute } from './router';
import { SessionContext } from './ui';
import { SignIn } from './pages/SignIn';
import { Overview } from './pages/Overview';
import { Runs } from './pages/Runs';
import { RunDetail } from './pages/RunDetail';
import { Decisions } from './pages/Decisions';
import { DeadLetters } from './pages/DeadLetters';
import { Schedules } from './pages/Schedules';
import { ScheduleDetail } from './pages/ScheduleDetail';
import { Governance } from './pages/Governance';
import { Resources, RESOURCES } from './pages/Resources';
import { ResourceDetail } from './pages/ResourceDetail';

const NAV: { path: string; label: string }[] = [
  { path: '/', label: 'Overview' },
  { path: '/runs', label: 'Runs' },
  { path: '/decisions', label: 'Live decisions' },
  { path: '/dead-letters', label: 'Dead letters' },
  { path: '/governance', label: 'Governance' },
  { path: '/schedules', label: 'Schedules' },
  ...Object.entries(RESOURCES).map(([key, r]) => ({ path: `/r/${key}`, label: r.title })),
];

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(Boolean(token.get()));
  const [error, setError] = useState<string | null>(null);

  const signOut = (reason?: string) => {
    token.clear();
    setSession(null);
    setError(reason ?? null);
  };

  useEffect(() => {
    whenUnauthorized(() => signOut('The token is no longer accepted; sign in again.'));
    if (!token.get()) return;
    loadSession()
      .then(setSession, (e) => signOut(e instanceof ApiError && e.status === 401 ? 'Sign in again.' : String(e)))
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <p role="status">Checking your token…</p>;
  if (!session) {
    return (
      <SignIn
        error={error}
        onSignedIn={(s) => {
          setError(null);
          setSession(s);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} onSignOut={() => signOut()}>
        <Screen />
      </Shell>
    </SessionContext.Provider>
  );
}

function Shell({ session, onSignOut, children }: { session: Session; onSignOut: () => void; children: ReactNode }) {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const section = '/' + (route.parts[0] === 'r' ? `r/${route.parts[1] ?? ''}` : (route.parts[0] ?? ''));
  useEffect(() => setMenuOpen(false), [route.path]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="menu-toggle secondary" aria-expanded={menuOpen} aria-controls="nav"
          onClick={() => setMenuOpen((o) => !o)}>
          Menu
        </button>
        <span className="brand">Agent Triggers</span>
        <span className="who" aria-label="Signed in as">
          <span className="who-detail">{session.name} · </span>
          <strong>{session.role}</strong>
          <span className="who-detail">
            {session.tenants.includes('*') ? ' · all tenants' : ` · ${session.tenants.join(', ')}`}
          </span>
        </span>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav id="nav" className={`sidenav ${menuOpen ? 'open' : ''}`} aria-label="Sections">
        <ul>
          {NAV.map((n) => (
            <li key={n.path}>
              <a href={href(n.path)} aria-current={section === n.path ? 'page' : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function Screen() {
  const route = useRoute();
  const [first, second, third] = route.parts;
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.path]);
  switch (first) {
    case undefined:
      return <Overview />;
    case 'runs':
      return second ? <RunDetail runId={second} /> : <Runs />;
    case 'decisions':
      return <Decisions />;
    case 'dead-letters':
      return <DeadLetters />;
    case 'governance':
      return <Governance />;
    case 'policies':
      return second ? <ResourceDetail kind="policies" id={second} /> : <Governance />;
    case 'schedules':
      return second ? <ScheduleDetail id={second} /> : <Schedules />;
    case 'r':
      if (second && RESOURCES[second]) {
        return third ? <ResourceDetail kind={second} id={third} /> : <Resources kind={second} />;
      }
      break;
  }
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{route.path}</code>. <a href={href('/')}>Go to the overview</a>.
      </p>
    </section>
  );
}
