import { type Collector, VM_BRANDS } from '@xat/contracts';
import { type FormEvent, useState } from 'react';
import {
  type CollectorCreated,
  useCreateCollector,
  useDeleteCollector,
  useRegenerateKey,
  useUpdateCollector,
} from '../api/collectors.ts';
import { providerLabel } from '../lib/providers.ts';
import { SecretBox } from './bits.tsx';
import { ConfirmDialog, Dialog, ErrorMessage } from './dialog.tsx';

const KEY_WARNING =
  'Copy the API key now: it is shown only once and cannot be shown again. If it is lost, regenerate it.';

/** The install one-liner and the key, with the warning that the key will not be shown again. */
function KeyReveal({ apiKey, installCommand }: { apiKey: string; installCommand?: string }) {
  return (
    <div className="stack">
      {installCommand && (
        <div className="field">
          <span className="label">Install the agent on the server (as root):</span>
          <SecretBox value={installCommand} label="Install command" />
        </div>
      )}
      <div className="field">
        <span className="label">API key</span>
        <SecretBox value={apiKey} label="API key" />
      </div>
      <div className="alert warn" role="alert">
        {KEY_WARNING}
      </div>
    </div>
  );
}

/** "Add server": a name → the install command and the key, once. */
export function AddServerDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CollectorCreated>();
  const create = useCreateCollector();
  const close = () => {
    setName('');
    setCreated(undefined);
    create.reset();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await create.run({ name: name.trim() });
    if (result) setCreated(result);
  };
  if (created)
    return (
      <Dialog
        open={open}
        wide
        title={`${created.name} is ready for its agent`}
        onClose={close}
        footer={
          <button type="button" className="primary" onClick={close}>
            Done
          </button>
        }
      >
        <KeyReveal apiKey={created.api_key} installCommand={created.install_command} />
      </Dialog>
    );
  return (
    <Dialog
      open={open}
      title="Add server"
      onClose={close}
      footer={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="add-server" className="primary" disabled={create.pending || !name.trim()}>
            {create.pending ? 'Adding…' : 'Add server'}
          </button>
        </>
      }
    >
      <form id="add-server" className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="server-name">Name</label>
          <input
            id="server-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="web-server-01"
            autoFocus
            maxLength={100}
          />
          <span className="hint">Next you get the command that installs the agent on it.</span>
        </div>
        {create.error && <ErrorMessage message={create.error.message} />}
      </form>
    </Dialog>
  );
}

/** Edit name, description, VM brand and hourly cost. */
export function EditServerDialog({ collector, onClose }: { collector: Collector | undefined; onClose: () => void }) {
  return collector ? <EditServerForm key={collector.id} collector={collector} onClose={onClose} /> : null;
}

function EditServerForm({ collector, onClose }: { collector: Collector; onClose: () => void }) {
  const [name, setName] = useState(collector.name);
  const [description, setDescription] = useState(collector.description);
  const [brand, setBrand] = useState<Collector['vm_brand']>(collector.vm_brand);
  const [cost, setCost] = useState(collector.hourly_cost === null ? '' : String(collector.hourly_cost));
  const update = useUpdateCollector();
  const costError =
    cost.trim() && !/^\d{1,6}(\.\d{1,4})?$/.test(cost.trim()) ? 'Enter dollars per hour, e.g. 0.096.' : undefined;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (costError) return;
    const ok = await update.run(collector.id, {
      name: name.trim(),
      description,
      vm_brand: brand,
      hourly_cost: cost.trim() ? cost.trim() : null,
    });
    if (ok) onClose();
  };
  return (
    <Dialog
      open
      title={`Edit ${collector.name}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="edit-server"
            className="primary"
            disabled={update.pending || !!costError || !name.trim()}
          >
            {update.pending ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form id="edit-server" className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="edit-name">Name</label>
          <input id="edit-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="edit-description">Description</label>
          <textarea
            id="edit-description"
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor="edit-brand">VM brand</label>
            <select id="edit-brand" value={brand} onChange={(e) => setBrand(e.target.value as Collector['vm_brand'])}>
              {VM_BRANDS.map((b) => (
                <option key={b} value={b}>
                  {providerLabel(b) === 'Unknown' && b !== 'unknown' ? b : providerLabel(b)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="edit-cost">Hourly cost (USD)</label>
            <input
              id="edit-cost"
              inputMode="decimal"
              value={cost}
              onChange={(e) => setCost(e.target.value)}
              placeholder="0.096"
              aria-invalid={!!costError}
            />
            {costError ? (
              <span className="field-error">{costError}</span>
            ) : (
              <span className="hint">For price-performance: work units per $/h.</span>
            )}
          </div>
        </div>
        {update.error && <ErrorMessage message={update.error.message} />}
      </form>
    </Dialog>
  );
}

/** Confirm, then show the new key once; the old key stops working at once. */
export function RegenerateKeyDialog({ collector, onClose }: { collector: Collector | undefined; onClose: () => void }) {
  const regenerate = useRegenerateKey();
  const [apiKey, setApiKey] = useState<string>();
  const close = () => {
    setApiKey(undefined);
    regenerate.reset();
    onClose();
  };
  if (!collector) return null;
  if (apiKey)
    return (
      <Dialog
        open
        wide
        title={`New API key for ${collector.name}`}
        onClose={close}
        footer={
          <button type="button" className="primary" onClick={close}>
            Done
          </button>
        }
      >
        <KeyReveal apiKey={apiKey} />
      </Dialog>
    );
  return (
    <ConfirmDialog
      open
      title={`Regenerate the API key of ${collector.name}?`}
      message="The agent on this server stops being accepted until it is given the new key."
      confirmLabel="Regenerate key"
      pending={regenerate.pending}
      error={regenerate.error?.message}
      onClose={close}
      onConfirm={async () => {
        const result = await regenerate.run(collector.id);
        if (result) setApiKey(result.api_key);
      }}
    />
  );
}

export function DeleteServerDialog({
  collector,
  onClose,
  onDeleted,
}: {
  collector: Collector | undefined;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const remove = useDeleteCollector();
  if (!collector) return null;
  return (
    <ConfirmDialog
      open
      title={`Delete ${collector.name}?`}
      message="Its metrics, uploaded files, load tests and benchmarks are deleted with it. This cannot be undone."
      confirmLabel="Delete server"
      pending={remove.pending}
      error={remove.error?.message}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      onConfirm={async () => {
        if (await remove.run(collector.id)) {
          onClose();
          onDeleted?.();
        }
      }}
    />
  );
}
