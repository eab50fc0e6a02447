import { ago, short, utc } from '../format.js';

/** As analyzer/group.ts publishes it in the analyzer's status document. */
interface GroupDoc {
  member: string;
  members: Array<{ id: string; share: number | null; lastCycle: { at: number } | null }>;
  overdue: number | null;
  overdueSample: string[];
}

/**
 * The analyzer group: each live member, its share and last cycle, and metrics no member judged lately.
 * A lone analyzer (what `kale start` runs) is no group to its user: nothing shows unless metrics are overdue.
 */
export function AnalyzerGroup({ group, now }: { group: unknown; now: number }) {
  if (!group || typeof group !== 'object' || !Array.isArray((group as GroupDoc).members)) return null;
  const g = group as GroupDoc;
  if (g.members.length < 2 && !(g.overdue && g.overdue > 0)) return null;
  return (
    <>
      <h4>
        Group: {g.members.length} member{g.members.length === 1 ? '' : 's'}
      </h4>
      <table data-testid="analyzer-group">
        <tbody>
          {g.members.map((m) => (
            <tr key={m.id}>
              <th scope="row">{m.id}</th>
              <td className="fig">{m.share === null ? '—' : `${short(m.share)} metrics`}</td>
              <td className="fig">
                {m.lastCycle ? (
                  <span title={utc(m.lastCycle.at)}>{ago(m.lastCycle.at, now)}</span>
                ) : (
                  'no cycle yet'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {g.overdue !== null && g.overdue > 0 && (
        <p>
          <span className="state degraded">overdue</span> {short(g.overdue)} metrics not analysed for over two
          intervals, e.g. {g.overdueSample.slice(0, 5).join(', ')}
        </p>
      )}
    </>
  );
}
