import { SignedOutError } from '@tessera/client';
import type { Task } from '@tessera/tasks';
import { type FormEvent, useEffect, useState } from 'react';
import { readableError, responseError } from './readable-error.ts';
import { tasksApi } from './services.ts';

/** The signed-in user's tasks: add, mark done, delete. */
export function TaskList() {
  const [tasks, setTasks] = useState<Task[]>();
  const [error, setError] = useState<string>();
  const [title, setTitle] = useState('');

  /** Runs one call; a failure shows as a sentence (a sign-out is handled by the app, not here). */
  async function attempt(call: () => Promise<void>) {
    setError(undefined);
    try {
      await call();
    } catch (caught) {
      if (!(caught instanceof SignedOutError)) setError(readableError(caught));
    }
  }

  useEffect(() => {
    void attempt(async () => {
      const response = await tasksApi.v1.tasks.$get({ query: { limit: '200' } });
      if (!response.ok) throw await responseError(response);
      setTasks((await response.json()).items);
    });
  }, []);

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (trimmed === '') return;
    void attempt(async () => {
      const response = await tasksApi.v1.tasks.$post({ json: { title: trimmed } });
      if (response.status !== 201) throw await responseError(response);
      const created = await response.json();
      setTasks((current) => [...(current ?? []), created]);
      setTitle('');
    });
  };

  const replace = (updated: Task) =>
    setTasks((current) => current?.map((each) => (each.id === updated.id ? updated : each)));

  /** Shows the new state at once (a checkbox should answer the click), and puts the old one back if refused. */
  const setDone = (task: Task, done: boolean) =>
    attempt(async () => {
      replace({ ...task, status: done ? 'done' : 'todo' });
      try {
        const response = await tasksApi.v1.tasks[':id'].$patch({
          param: { id: task.id },
          json: { status: done ? 'done' : 'todo' },
        });
        if (!response.ok) throw await responseError(response);
        replace(await response.json());
      } catch (error) {
        replace(task);
        throw error;
      }
    });

  const remove = (task: Task) =>
    attempt(async () => {
      const response = await tasksApi.v1.tasks[':id'].$delete({ param: { id: task.id } });
      if (response.status !== 204) throw await responseError(response);
      setTasks((current) => current?.filter((each) => each.id !== task.id));
    });

  return (
    <section aria-labelledby="tasks-title">
      <h2 id="tasks-title">Your tasks</h2>
      <form onSubmit={add} className="add">
        <label className="grow">
          New task
          <input
            name="title"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            maxLength={200}
            placeholder="What needs doing?"
          />
        </label>
        <button type="submit" className="primary">
          Add
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {tasks === undefined ? (
        <p className="muted">Loading…</p>
      ) : tasks.length === 0 ? (
        <p className="muted empty">Nothing to do. Add your first task above.</p>
      ) : (
        <ul className="tasks">
          {tasks.map((task) => (
            <li key={task.id} className={task.status === 'done' ? 'done' : undefined}>
              <label className="check">
                <input
                  type="checkbox"
                  aria-label="Done"
                  checked={task.status === 'done'}
                  onChange={(event) => void setDone(task, event.target.checked)}
                />
                <span className="title">{task.title}</span>
              </label>
              <button type="button" className="quiet danger" onClick={() => void remove(task)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
