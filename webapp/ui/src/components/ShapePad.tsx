import { useEffect, useRef, useState } from 'react';

const SAMPLES = 64;

/**
 * A drawing pad for a query shape: the pointer path is sampled onto 64 evenly spaced columns (later
 * strokes overwrite earlier ones; gaps are interpolated). `onChange` receives the values, top = high.
 */
export function ShapePad({ onChange }: { onChange: (values: number[] | null) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [columns, setColumns] = useState<Array<number | null>>(() => new Array(SAMPLES).fill(null));
  const drawing = useRef(false);

  const values = (cols: Array<number | null>): number[] | null => {
    const known = cols
      .map((v, i) => [i, v] as const)
      .filter((p): p is readonly [number, number] => p[1] !== null);
    if (known.length < 2) return null;
    return cols.map((_, i) => {
      const right = known.find(([j]) => j >= i) ?? known[known.length - 1];
      const left = [...known].reverse().find(([j]) => j <= i) ?? known[0];
      if (left[0] === right[0]) return left[1];
      return left[1] + ((right[1] - left[1]) * (i - left[0])) / (right[0] - left[0]);
    });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: redrawn and reported when the drawing changes; onChange is a new function on every render of the page.
  useEffect(() => {
    const c = canvas.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    g.clearRect(0, 0, c.width, c.height);
    g.strokeStyle = '#2a3140';
    for (let y = 0; y <= 4; y++) {
      g.beginPath();
      g.moveTo(0, (y * c.height) / 4);
      g.lineTo(c.width, (y * c.height) / 4);
      g.stroke();
    }
    const v = values(columns);
    if (v) {
      g.strokeStyle = '#f5b342';
      g.lineWidth = 3;
      g.beginPath();
      v.forEach((y, i) => {
        const px = (i / (SAMPLES - 1)) * c.width;
        const py = (1 - y) * c.height;
        if (i) g.lineTo(px, py);
        else g.moveTo(px, py);
      });
      g.stroke();
    }
    onChange(v);
  }, [columns]);

  const mark = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const col = Math.round(((e.clientX - r.left) / r.width) * (SAMPLES - 1));
    const y = 1 - (e.clientY - r.top) / r.height;
    if (col < 0 || col >= SAMPLES) return;
    setColumns((prev) => {
      const next = [...prev];
      next[col] = Math.min(1, Math.max(0, y));
      return next;
    });
  };

  return (
    <div className="shapepad">
      <canvas
        ref={canvas}
        width={640}
        height={200}
        data-testid="shape-pad"
        onPointerDown={(e) => {
          drawing.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          mark(e);
        }}
        onPointerMove={(e) => {
          if (drawing.current) mark(e);
        }}
        onPointerUp={() => {
          drawing.current = false;
        }}
      />
      <button type="button" onClick={() => setColumns(new Array(SAMPLES).fill(null))}>
        Clear
      </button>
    </div>
  );
}
