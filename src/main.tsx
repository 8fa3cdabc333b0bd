import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startApp } from './actions/startApp';
import { App } from './App';
import { connectWorkerEngine, engine, setEngineConnection } from './engine-client/engineClient';
import { installTestHooks } from './testHooks';
import { installVideoTestHooks } from './video/videoTestHooks';
import { installBatchTestHooks } from './batch/testHooks';
import './styles.css';

installTestHooks(() => engine().stats());
installVideoTestHooks();
installBatchTestHooks();
setEngineConnection(connectWorkerEngine());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void startApp();
