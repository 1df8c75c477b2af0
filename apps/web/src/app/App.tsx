import { SettingsPage } from '../features/account/SettingsPage';
import { SignInPage } from '../features/account/SignInPage';
import { SignUpPage } from '../features/account/SignUpPage';
import { HomePage } from '../features/home/HomePage';
import { CandidateJoinPage } from '../features/interview/CandidateJoinPage';
import { TeamJoinPage } from '../features/interview/TeamJoinPage';
import { RoomPage } from '../features/room/RoomPage';
import { NotFoundPage } from '../ui/NotFoundPage';
import { matchRoute } from './routes';
import { usePathname } from './navigation';

export function App() {
  const route = matchRoute(usePathname());
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'room':
      // Keyed so that moving between rooms starts from a clean slate.
      return <RoomPage key={route.roomId} roomId={route.roomId} />;
    case 'team':
      return <TeamJoinPage key={route.roomId} roomId={route.roomId} />;
    case 'join':
      return <CandidateJoinPage key={route.roomId} roomId={route.roomId} />;
    case 'signin':
      return <SignInPage />;
    case 'signup':
      return <SignUpPage />;
    case 'settings':
      return <SettingsPage />;
    case 'not-found':
      return (
        <NotFoundPage title="Page not found">
          Nothing lives at <code>{route.path}</code>.
        </NotFoundPage>
      );
  }
}
