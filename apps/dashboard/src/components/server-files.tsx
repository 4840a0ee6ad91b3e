import { type CollectedData, DATA_FILE_EXTENSIONS } from '@xat/contracts';
import { type FormEvent, useRef, useState } from 'react';
import type { ApiError } from '../api/client.ts';
import { useCollectedData, useDeleteData, useDownloadData, useUploadData } from '../api/data.ts';
import { formErrors } from '../lib/form-errors.ts';
import { formatBytes, formatIsoDateTime, formatNumber } from '../lib/format.ts';
import { EmptyState, Loading } from './bits.tsx';
import { ConfirmDialog, ErrorMessage } from './dialog.tsx';

// The picker offers what the server keeps; whatever it refuses all the same, it says why and that is shown.
const ACCEPT = DATA_FILE_EXTENSIONS.map((e) => `.${e}`).join(',');

/** A refusal in the server's words (the file's reasons first, without field names); other failures as they are. */
function uploadErrorText(error: ApiError): string {
  if (error.status < 400 || error.status >= 500) return `The upload failed: ${error.message}`;
  const { byField, general } = formErrors(error, ['file', 'description'] as const);
  const parts = [...(byField.file ?? []), ...(byField.description ?? []).map((m) => `Description: ${m}`)];
  if (general) parts.push(general);
  return `The server refused the file: ${parts.join(' ')}`;
}

/** How much of the file has been sent; once all of it, that the server is reading it into series. */
function UploadProgress({ sent, total }: { sent: number; total: number }) {
  const all = total > 0 && sent >= total;
  const pct = total > 0 ? Math.floor((sent / total) * 100) : 0;
  return (
    <div className="card-body" role="status" aria-label="Upload progress">
      <progress max={total || 1} value={Math.min(sent, total)} aria-label="Sent" />{' '}
      {all
        ? `Sent ${formatBytes(total)}; the server is reading the file into series…`
        : `Sending ${pct} %: ${formatBytes(sent)} of ${formatBytes(total)}`}
    </div>
  );
}

/** A server's uploaded collection files: upload, download, delete. */
export function ServerFiles({ collectorId, editable }: { collectorId: string; editable: boolean }) {
  const files = useCollectedData(collectorId);
  const upload = useUploadData();
  const download = useDownloadData();
  const remove = useDeleteData();
  const [description, setDescription] = useState('');
  const [deleting, setDeleting] = useState<CollectedData>();
  const [sent, setSent] = useState<{ sent: number; total: number }>();
  const input = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return;
    setSent({ sent: 0, total: file.size });
    const done = await upload.run(collectorId, file, description, (bytes, total) => setSent({ sent: bytes, total }));
    setSent(undefined);
    if (done) {
      setDescription('');
      if (input.current) input.current.value = '';
    }
  };
  const rows = files.data?.results ?? [];
  return (
    <section className="card" aria-label="Uploaded files">
      <div className="card-head">
        <h2>Uploaded files</h2>
        {editable && (
          <form className="toolbar" onSubmit={submit}>
            <input ref={input} type="file" aria-label="File to upload" accept={ACCEPT} onChange={upload.reset} />
            <input
              aria-label="Description of the file"
              placeholder="Description (optional)"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              maxLength={200}
            />
            <button type="submit" disabled={upload.pending}>
              {upload.pending ? 'Uploading…' : 'Upload'}
            </button>
          </form>
        )}
      </div>
      {upload.pending && sent && <UploadProgress {...sent} />}
      {upload.error && (
        <div className="card-body">
          <ErrorMessage message={uploadErrorText(upload.error)} />
        </div>
      )}
      {download.error && (
        <div className="card-body">
          <ErrorMessage message={`Download failed: ${download.error.message}`} />
        </div>
      )}
      {files.error && !files.data && (
        <div className="card-body">
          <ErrorMessage message={files.error.message} />
        </div>
      )}
      {files.loading && !files.data && <Loading what="files" />}
      {files.data && rows.length === 0 && (
        <EmptyState title="No files uploaded.">
          {editable
            ? `Keep a collection or an export with this server: ${DATA_FILE_EXTENSIONS.map((e) => `.${e}`).join(', ')}.`
            : 'Files that members upload for this server appear here.'}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>File</th>
                <th>Description</th>
                <th className="num">Size</th>
                <th className="num">Rows</th>
                <th>Data from</th>
                <th>Uploaded</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr key={f.id}>
                  <td className="mono">{f.file_name}</td>
                  <td className="muted">{f.description || '—'}</td>
                  <td className="num">{formatBytes(f.file_size)}</td>
                  <td className="num">{formatNumber(f.row_count, 0)}</td>
                  <td>
                    {f.data_start ? `${formatIsoDateTime(f.data_start)} – ${formatIsoDateTime(f.data_end)}` : '—'}
                  </td>
                  <td>{formatIsoDateTime(f.created_at)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="small ghost"
                      aria-label={`Download ${f.file_name}`}
                      onClick={() => download.run(f)}
                    >
                      Download
                    </button>
                    {editable && (
                      <button
                        type="button"
                        className="small ghost danger"
                        aria-label={`Delete ${f.file_name}`}
                        onClick={() => setDeleting(f)}
                      >
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete ${deleting?.file_name ?? 'this file'}?`}
        message="The file is removed from the server. This cannot be undone."
        confirmLabel="Delete file"
        pending={remove.pending}
        error={remove.error?.message}
        onClose={() => {
          remove.reset();
          setDeleting(undefined);
        }}
        onConfirm={async () => {
          if (deleting && (await remove.run(deleting))) setDeleting(undefined);
        }}
      />
    </section>
  );
}
