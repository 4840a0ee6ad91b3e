import type { Recording } from '@xat/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useUpdateRecording } from '../../api/recordings.ts';
import { formErrors } from '../../lib/form-errors.ts';
import { ErrorMessage } from '../dialog.tsx';
import { FormField } from '../form-field.tsx';

/** Rename and describe a recording in place; the server's refusal shows under the field it names. */
export function RecordingEditForm({ recording, onDone }: { recording: Recording; onDone: () => void }) {
  const update = useUpdateRecording();
  const [name, setName] = useState(recording.name);
  const [description, setDescription] = useState(recording.description);
  const descriptionId = useId();
  const errors = formErrors(update.error, ['name', 'description'] as const);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await update.run(recording.id, { name: name.trim(), description });
    if (saved) onDone();
  };

  return (
    <form className="card" aria-label="Rename and describe" onSubmit={save}>
      <div className="card-body form">
        <FormField
          label="Name"
          value={name}
          maxLength={200}
          required
          onChange={(e) => setName(e.target.value)}
          errors={errors.byField.name}
        />
        <div className="field">
          <label htmlFor={descriptionId}>Description</label>
          <textarea
            id={descriptionId}
            rows={3}
            maxLength={5000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            aria-invalid={errors.byField.description ? true : undefined}
          />
          {errors.byField.description && <div className="field-error">{errors.byField.description.join(' ')}</div>}
        </div>
        {errors.general && <ErrorMessage message={errors.general} />}
        <div className="toolbar">
          <button type="submit" className="primary" disabled={update.pending || !name.trim()}>
            {update.pending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}
