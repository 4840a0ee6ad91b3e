import { useCollector } from '../api/collectors.ts';
import { useServerSearch } from '../api/use-server-search.ts';
import { formatNumber } from '../lib/format.ts';

const SHOWN = 100;

interface Props {
  /** The select's id, for its <label>; or `label` for an aria-label. */
  id?: string;
  label?: string;
  value: string;
  onChange: (id: string) => void;
  /** The first option, with the value "" (e.g. "Choose a server…", "All servers"). */
  emptyText: string;
}

/**
 * A server chosen from the whole fleet: a name filter searched on the server narrows the list to its first 100
 * matches, and the chosen server stays an option whatever the filter.
 */
export function ServerSelect({ id, label, value, onChange, emptyText }: Props) {
  const { text, setText, found } = useServerSearch(SHOWN);
  const results = found.data?.results ?? [];
  const current = useCollector(value && !results.some((c) => c.id === value) ? value : undefined);
  const options = current.data && current.data.id === value ? [current.data, ...results] : results;
  const more = (found.data?.count ?? 0) - results.length;
  return (
    <div className="server-select">
      <div className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
        <input
          type="search"
          aria-label="Search the list"
          placeholder="Find…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          style={{ width: 110 }}
        />
        <select id={id} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{emptyText}</option>
          {options.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      {more > 0 && (
        <div className="faint" style={{ fontSize: 12 }}>
          {formatNumber(more, 0)} more: type to find them.
        </div>
      )}
    </div>
  );
}
