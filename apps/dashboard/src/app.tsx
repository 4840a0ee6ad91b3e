import { useEffect } from 'react';
import { isAdmin, useSession } from './api/auth.ts';
import { EmptyState } from './components/bits.tsx';
import { Layout, useTitle } from './components/layout.tsx';
import { matchPath, navigate, useLocation } from './lib/router.tsx';
import { AccountPage } from './pages/account-page.tsx';
import { BenchmarkJobsPage } from './pages/benchmark-jobs-page.tsx';
import { BenchmarksPage } from './pages/benchmarks-page.tsx';
import { ComparePage } from './pages/compare-page.tsx';
import { LoadTestDetailPage } from './pages/load-test-detail-page.tsx';
import { LoadTestsPage } from './pages/load-tests-page.tsx';
import { RecordingDetailPage } from './pages/recording-detail-page.tsx';
import { RecordingsComparePage } from './pages/recordings-compare-page.tsx';
import { RecordingsPage } from './pages/recordings-page.tsx';
import { ServerDetailPage } from './pages/server-detail-page.tsx';
import { ServersPage } from './pages/servers-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { UsersPage } from './pages/users-page.tsx';

function NotFound() {
  useTitle('Not found');
  return (
    <div className="card">
      <EmptyState title="This page does not exist." action={<a href="/servers">Go to the servers</a>} />
    </div>
  );
}

function AdminsOnly({ what }: { what: string }) {
  useTitle('Admins only');
  return (
    <div className="card">
      <EmptyState title={`Only admins ${what}.`}>Ask an admin of your team to change your role.</EmptyState>
    </div>
  );
}

function Routes({ path }: { path: string }) {
  const session = useSession();
  if (path === '/servers') return <ServersPage />;
  const server = matchPath('/servers/:id', path);
  if (server) return <ServerDetailPage id={server.id ?? ''} />;
  if (path === '/recordings') return <RecordingsPage />;
  if (path === '/recordings/compare') return <RecordingsComparePage />;
  const recording = matchPath('/recordings/:id', path);
  if (recording) return <RecordingDetailPage id={recording.id ?? ''} />;
  if (path === '/compare') return <ComparePage />;
  if (path === '/load-tests') return <LoadTestsPage />;
  const loadTest = matchPath('/load-tests/:id', path);
  if (loadTest) return <LoadTestDetailPage id={loadTest.id ?? ''} />;
  if (path === '/benchmarks') return <BenchmarksPage />;
  if (path === '/benchmarks/jobs') return <BenchmarkJobsPage />;
  if (path === '/account') return <AccountPage />;
  if (path === '/users') return isAdmin(session?.user) ? <UsersPage /> : <AdminsOnly what="manage users" />;
  if (path === '/settings')
    return isAdmin(session?.user) ? <SettingsPage /> : <AdminsOnly what="change the team's settings" />;
  return <NotFound />;
}

export function App() {
  const session = useSession();
  const { path } = useLocation();
  const home = path === '/' || path === '/sign-in';
  useEffect(() => {
    if (session && home) navigate('/servers', { replace: true });
  }, [session, home]);
  if (!session) return <SignInPage />;
  if (home) return null;
  return (
    <Layout>
      <Routes path={path} />
    </Layout>
  );
}
