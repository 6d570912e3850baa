import { useEffect, useState } from 'react';
import { readableError } from './readable-error.ts';
import { SignInForm } from './SignInForm.tsx';
import { authClient, session } from './services.ts';
import { TaskList } from './TaskList.tsx';

/** Signed in: the tasks. Signed out (here, in another tab, or revoked elsewhere): the sign-in form. */
export function App() {
  const { data, isPending, refetch } = authClient.useSession();
  const [error, setError] = useState<string>();

  // A session that ends anywhere (another tab's sign-out, a revocation) sends this tab back to sign-in.
  useEffect(() => session.onSignedOut(() => void refetch()), [refetch]);

  async function signOut() {
    setError(undefined);
    try {
      await session.signOut();
    } catch (caught) {
      setError(readableError(caught));
    }
  }

  return (
    <div className="page">
      <header className="bar">
        <h1>Tessera tasks</h1>
        {data && (
          <div className="who">
            <span className="muted">{data.user.email}</span>
            <button type="button" className="quiet" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main className="card">
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {isPending && !data ? <p className="muted">Loading…</p> : data ? <TaskList /> : <SignInForm />}
      </main>
    </div>
  );
}
