import type { Role, SiteView, UserView } from '#contracts';
import { type FormEvent, useId, useState } from 'react';
import { api, post } from '../api';
import { Table } from './AdminPage';
import { ConfirmDialog } from './ConfirmDialog';
import { refusalWords } from './refusal';

const ROLE_CHOICES: { value: Role; label: string }[] = [
  { value: 'nurse', label: 'Nurse' },
  { value: 'clinician', label: 'Clinician' },
  { value: 'admin', label: 'Administrator' },
];

/** Staff accounts: create one, change its role or sites, deactivate or reactivate it. */
export function UsersSection({
  users,
  problem: listProblem,
  reload,
  sites,
  siteName,
}: {
  users: UserView[] | null;
  problem: string | null;
  reload: () => void;
  sites: SiteView[];
  siteName: (id: string) => string;
}) {
  const [editing, setEditing] = useState<UserView | null>(null);
  const [deactivating, setDeactivating] = useState<UserView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const activeAdmins = (users ?? []).filter((u) => u.role === 'admin' && u.active !== false);
  const lastAdmin = (user: UserView) => activeAdmins.length === 1 && activeAdmins[0]!.id === user.id;

  const setActive = async (user: UserView, active: boolean) => {
    setProblem(null);
    try {
      await api('PATCH', `/users/${user.id}`, { active });
      reload();
    } catch (error) {
      setProblem(refusalWords(error, `${user.username} was not ${active ? 'activated' : 'deactivated'}.`));
    }
  };

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <NewUserForm sites={sites} onCreated={reload} />
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      <Table
        problem={listProblem}
        head={['Username', 'Name', 'Role', 'Sites', 'Active', 'Change']}
        rows={users?.map((u) => {
          const active = u.active !== false;
          return [
            u.username,
            u.displayName,
            u.role,
            u.siteIds.map(siteName).join(', ') || '—',
            active ? 'yes' : 'no',
            <span className="row-actions">
              <button type="button" aria-label={`Edit ${u.username}`} onClick={() => setEditing(u)}>
                Edit
              </button>
              <button
                type="button"
                className={active ? 'danger' : undefined}
                aria-label={`${active ? 'Deactivate' : 'Activate'} ${u.username}`}
                onClick={() => (active ? setDeactivating(u) : void setActive(u, true))}
              >
                {active ? 'Deactivate' : 'Activate'}
              </button>
            </span>,
          ];
        })}
      />
      {deactivating && (
        <ConfirmDialog
          title={`Deactivate ${deactivating.displayName}?`}
          confirmLabel={lastAdmin(deactivating) ? null : `Deactivate ${deactivating.username}`}
          onCancel={() => setDeactivating(null)}
          onConfirm={() => {
            setDeactivating(null);
            void setActive(deactivating, false);
          }}
        >
          {lastAdmin(deactivating) ? (
            <p className="problem">
              {deactivating.displayName} is the last active administrator. Without one, no one could manage users again:
              make another user an administrator first.
            </p>
          ) : (
            <p>
              {deactivating.username} ({deactivating.role}) is signed out everywhere at once and cannot sign in until
              reactivated. Their records and audit entries stay.
            </p>
          )}
        </ConfirmDialog>
      )}
      {editing && (
        <EditUserForm
          key={editing.id}
          user={editing}
          sites={sites}
          onDone={(changed) => {
            setEditing(null);
            if (changed) reload();
          }}
        />
      )}
    </section>
  );
}

function NewUserForm({ sites, onCreated }: { sites: SiteView[]; onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('nurse');
  const [password, setPassword] = useState('');
  const [siteIds, setSiteIds] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problemId = useId();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setCreated(null);
    setBusy(true);
    try {
      const made = await post<UserView>('/users', {
        username: username.trim(),
        displayName: displayName.trim(),
        role,
        password,
        siteIds,
      });
      setCreated(made.username);
      setUsername('');
      setDisplayName('');
      setPassword('');
      setSiteIds([]);
      onCreated();
    } catch (error) {
      setProblem(refusalWords(error, 'The user was not created.'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="admin-form"
      aria-label="New user"
      aria-describedby={problem ? problemId : undefined}
      onSubmit={(e) => void create(e)}
    >
      <div className="inline-form">
        <label>
          Username
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            minLength={3}
            maxLength={64}
            pattern="[a-z0-9._\-]{3,64}"
            title="3–64 characters: lower-case letters, digits, dot, dash or underscore"
            autoComplete="off"
            placeholder="nurse.jones"
          />
        </label>
        <label>
          Display name
          <input
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            required
            maxLength={120}
            placeholder="Sam Jones, RN"
          />
        </label>
        <RoleSelect value={role} onChange={setRole} />
        <label>
          Initial password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={12}
            maxLength={200}
            autoComplete="new-password"
          />
        </label>
      </div>
      <SiteChoices legend="Sites of the new user" sites={sites} chosen={siteIds} onChange={setSiteIds} />
      <div className="inline-form">
        <button type="submit" className="primary" disabled={busy}>
          Add user
        </button>
        {problem && (
          <p className="problem" role="alert" id={problemId}>
            {problem}
          </p>
        )}
        {created && (
          <p className="muted" role="status">
            Created {created}.
          </p>
        )}
      </div>
    </form>
  );
}

function EditUserForm({
  user,
  sites,
  onDone,
}: {
  user: UserView;
  sites: SiteView[];
  onDone: (changed: boolean) => void;
}) {
  const [role, setRole] = useState<Role>(user.role);
  const [siteIds, setSiteIds] = useState<string[]>(user.siteIds);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problemId = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      await api('PATCH', `/users/${user.id}`, { role, siteIds });
      onDone(true);
    } catch (error) {
      setProblem(refusalWords(error, `${user.username} was not changed.`));
      setBusy(false);
    }
  };

  return (
    <form
      className="admin-form edit-user"
      aria-label={`Change ${user.username}`}
      aria-describedby={problem ? problemId : undefined}
      onSubmit={(e) => void save(e)}
    >
      <h3>Change {user.username}</h3>
      <div className="inline-form">
        <RoleSelect value={role} onChange={setRole} />
      </div>
      <SiteChoices legend={`Sites of ${user.username}`} sites={sites} chosen={siteIds} onChange={setSiteIds} />
      <div className="inline-form">
        <button type="submit" className="primary" disabled={busy}>
          Save changes
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
        {problem && (
          <p className="problem" role="alert" id={problemId}>
            {problem}
          </p>
        )}
      </div>
    </form>
  );
}

function RoleSelect({ value, onChange }: { value: Role; onChange: (role: Role) => void }) {
  return (
    <label>
      Role
      <select value={value} onChange={(e) => onChange(e.target.value as Role)} required>
        {ROLE_CHOICES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function SiteChoices({
  legend,
  sites,
  chosen,
  onChange,
}: {
  legend: string;
  sites: SiteView[];
  chosen: string[];
  onChange: (siteIds: string[]) => void;
}) {
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...chosen.filter((s) => s !== id), id] : chosen.filter((s) => s !== id));
  return (
    <fieldset className="site-choices">
      <legend>{legend}</legend>
      {sites.length === 0 && <p className="muted">No sites yet.</p>}
      {sites.map((s) => (
        <label key={s.id}>
          <input type="checkbox" checked={chosen.includes(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} />
          {s.name}
        </label>
      ))}
    </fieldset>
  );
}
