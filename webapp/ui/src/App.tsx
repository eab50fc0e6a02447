import { AnomaliesPage } from './pages/AnomaliesPage.js';
import { ExplorePage } from './pages/ExplorePage.js';
import { SimilarPage } from './pages/SimilarPage.js';
import { StatusPage } from './pages/StatusPage.js';
import { href, useRoute } from './route.js';

const PAGES = [
  ['anomalies', 'Anomalies'],
  ['explore', 'Explore'],
  ['similar', 'Similar'],
  ['status', 'Status'],
] as const;

export function App() {
  const { page, params } = useRoute();
  const metric = params.get('metric');
  return (
    <>
      <header>
        <span className="brand">Kale</span>
        <nav>
          {PAGES.map(([id, label]) => (
            <a key={id} href={href(id)} className={page === id ? 'on' : ''}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {page === 'anomalies' && (
          <AnomaliesPage metric={metric} at={params.get('at')} episode={params.get('episode')} />
        )}
        {page === 'explore' && (
          <ExplorePage
            initialMetric={metric}
            range={{ from: params.get('from'), until: params.get('until') }}
          />
        )}
        {page === 'similar' && <SimilarPage initialMetric={metric} />}
        {page === 'status' && <StatusPage />}
        {!PAGES.some(([id]) => id === page) && (
          <p>
            No such page. <a href={href('anomalies')}>Anomalies</a>
          </p>
        )}
      </main>
    </>
  );
}
