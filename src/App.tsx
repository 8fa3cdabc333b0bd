/** Layout: header with status; stage (left) with the prompt toolbar; panels (right). */
import { ErrorBanner } from './panels/ErrorBanner/ErrorBanner';
import { ExportBar } from './panels/ExportBar/ExportBar';
import { InstanceList } from './panels/InstanceList/InstanceList';
import { ModelPanel } from './panels/ModelPanel/ModelPanel';
import { PromptBar } from './panels/PromptBar/PromptBar';
import { ImagePicker } from './panels/Stage/ImagePicker';
import { Stage } from './panels/Stage/Stage';
import { StatusBadge } from './panels/StatusBadge/StatusBadge';
import { ThresholdSlider } from './panels/ThresholdSlider/ThresholdSlider';

export function App() {
  return (
    <div className="app">
      <header className="app__header">
        <h1 className="app__title">
          SAM 3 <span className="app__subtitle">Segment Anything with Concepts · in your browser</span>
        </h1>
        <StatusBadge />
      </header>
      <ErrorBanner />
      <main className="app__main">
        <div className="workspace">
          <div className="toolbar">
            <PromptBar />
            <div className="toolbar__row">
              <ImagePicker />
              <ThresholdSlider />
              <ExportBar />
            </div>
          </div>
          <Stage />
        </div>
        <aside className="sidebar">
          <InstanceList />
          <ModelPanel />
        </aside>
      </main>
    </div>
  );
}
