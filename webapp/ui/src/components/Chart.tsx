import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartSeries {
  /** A fixed label: series labels are never built from metric names, which are untrusted text. */
  label: string;
  color: string;
  /** Draw only the points (used to mark the anomalous value). */
  pointsOnly?: boolean;
  dash?: number[];
}

interface Props {
  data: uPlot.AlignedData;
  series: ChartSeries[];
  height: number;
  /** x values are epoch seconds (time axis) or plain indices (aligned shapes). */
  time?: boolean;
  axes?: boolean;
  testId?: string;
  /** Called on a click with the time under the pointer and how many seconds one pixel spans. */
  onPick?: (t: number, secondsPerPixel: number) => void;
}

/** A uPlot chart that follows its container's width. */
export function Chart({ data, series, height, time = true, axes = true, testId, onPick }: Props) {
  const box = useRef<HTMLDivElement>(null);
  // A ref, so a new callback each render does not rebuild the plot.
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(100, el.clientWidth),
      height,
      scales: { x: { time } },
      // Kale speaks UTC everywhere; the browser's zone would disagree with the API's times.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      axes: axes
        ? [
            { stroke: '#8a93a3', grid: { stroke: '#2a3140' } },
            { stroke: '#8a93a3', grid: { stroke: '#2a3140' }, size: 60 },
          ]
        : [{ show: false }, { show: false }],
      series: [
        {},
        ...series.map(
          (s): uPlot.Series =>
            s.pointsOnly
              ? {
                  label: s.label,
                  stroke: s.color,
                  width: 0,
                  points: { show: true, size: 11, fill: s.color, stroke: '#fff', width: 2 },
                }
              : {
                  label: s.label,
                  stroke: s.color,
                  width: 1.5,
                  dash: s.dash,
                  points: { show: false },
                  spanGaps: true,
                },
        ),
      ],
    };
    const plot = new uPlot(opts, data, el);
    plot.over.addEventListener('click', () => {
      const left = plot.cursor.left;
      if (!pick.current || left === undefined || left < 0) return;
      pick.current(
        plot.posToVal(left, 'x'),
        Math.abs(plot.posToVal(left + 1, 'x') - plot.posToVal(left, 'x')),
      );
    });
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(100, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, series, height, time, axes]);
  return <div className="chart" ref={box} data-testid={testId} />;
}
