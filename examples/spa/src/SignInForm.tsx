import { type FormEvent, useState } from 'react';
import { readableError } from './readable-error.ts';
import { authClient, session } from './services.ts';

type Mode = 'sign-in' | 'sign-up';

/** Sign in, or create an account; the server's message when it refuses. */
export function SignInForm() {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(undefined);
    try {
      const { error: refused } =
        mode === 'sign-up'
          ? await authClient.signUp.email({ name: String(form.get('name')), email, password })
          : await authClient.signIn.email({ email, password });
      if (refused) setError(readableError(refused));
      else session.clear(); // a token cached for an earlier session must not be used for this one
    } catch (caught) {
      setError(readableError(caught));
    } finally {
      setBusy(false);
    }
  }

  const choose = (next: Mode) => () => {
    setMode(next);
    setError(undefined);
  };

  return (
    <section aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{mode === 'sign-in' ? 'Welcome back' : 'Create your account'}</h2>
      <div role="tablist" className="tabs" aria-label="Account">
        <button type="button" role="tab" aria-selected={mode === 'sign-in'} onClick={choose('sign-in')}>
          I have an account
        </button>
        <button type="button" role="tab" aria-selected={mode === 'sign-up'} onClick={choose('sign-up')}>
          I am new here
        </button>
      </div>
      <form onSubmit={(event) => void submit(event)} className="stack">
        {mode === 'sign-up' && (
          <label>
            Name
            <input name="name" autoComplete="name" required maxLength={200} />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
            required
            minLength={8}
            maxLength={128}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'sign-in' ? 'Sign in' : 'Sign up'}
        </button>
      </form>
    </section>
  );
}
