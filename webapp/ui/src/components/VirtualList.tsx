import { useEffect, useRef, useState, type ReactNode } from 'react';

interface Props<T> {
  items: readonly T[];
  rowHeight: number;
  selected: number;
  renderRow: (item: T, index: number) => ReactNode;
  /** Rows drawn beyond the visible ones, so fast scrolling shows no gaps. */
  overscan?: number;
  /** The list's accessible name. */
  label: string;
  /** Prefix of the rows' element ids, unique on the page. */
  id: string;
}

/**
 * Renders only the rows in view (plus overscan) inside one tall spacer, so 10,000 anomalies cost the
 * same to draw as 30. Keeps the selected row in view when it changes. It is one tab stop, a listbox
 * whose selected option screen readers follow (aria-activedescendant); the page moves the selection.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  selected,
  renderRow,
  overscan = 10,
  label,
  id,
}: Props<T>) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    return () => resize.disconnect();
  }, []);
  useEffect(() => {
    const el = box.current;
    if (!el || selected < 0) return;
    const top = selected * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight)
      el.scrollTop = top + rowHeight - el.clientHeight;
  }, [selected, rowHeight]);
  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      // biome-ignore lint/a11y/useFocusableInteractive: the listbox keeps the focus and points at its option with aria-activedescendant.
      <div
        key={i}
        id={`${id}-${i}`}
        className="vrow"
        role="option"
        aria-selected={i === selected}
        style={{ top: i * rowHeight, height: rowHeight }}
      >
        {renderRow(items[i], i)}
      </div>,
    );
  }
  return (
    <div
      className="vlist"
      ref={box}
      role="listbox"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={selected >= 0 && selected < items.length ? `${id}-${selected}` : undefined}
      onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
