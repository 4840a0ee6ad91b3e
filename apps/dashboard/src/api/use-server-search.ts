import { useEffect, useState } from 'react';
import { useCollectors } from './collectors.ts';

/** How long typing must pause before the search is sent. */
const DEBOUNCE_MS = 250;

/**
 * A search of the whole fleet by name, hostname or description, sent to the server once typing pauses: its first
 * `pageSize` matches in name order, and how many there are (`found.data.count`); `search` is the text last sent.
 */
export function useServerSearch(pageSize: number) {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setSearch(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text]);
  const found = useCollectors({ search, ordering: 'name', pageSize });
  return { text, setText, search, found };
}
