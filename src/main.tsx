import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startApp } from './actions/startApp';
import { App } from './App';
import { connectWorkerEngine, setEngineConnection } from './engine-client/engineClient';
import './styles.css';

// Test builds only (`vite build --mode e2e`): a production build leaves this branch, and the hooks' module, out.
if (import.meta.env.MODE === 'e2e') (await import('../e2e/page/hooks')).installE2eHooks();
setEngineConnection(connectWorkerEngine());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void startApp();
