/** Layout: header with status; stage (left) with the prompt and tool bars; panels (right); the help overlay. */
import { ErrorBanner } from './panels/ErrorBanner/ErrorBanner';
import { ExportBar } from './panels/ExportBar/ExportBar';
import { HelpOverlay } from './panels/HelpOverlay/HelpOverlay';
import { InstanceList } from './panels/InstanceList/InstanceList';
import { ModelPanel } from './panels/ModelPanel/ModelPanel';
import { PromptBar } from './panels/PromptBar/PromptBar';
import { PromptList } from './panels/PromptList/PromptList';
import { ImagePicker } from './panels/Stage/ImagePicker';
import { Stage } from './panels/Stage/Stage';
import { StatusBadge } from './panels/StatusBadge/StatusBadge';
import { ThresholdSlider } from './panels/ThresholdSlider/ThresholdSlider';
import { ModeSwitch } from './video/ModeSwitch';
import { TrackList } from './video/TrackList';
import { VideoWorkspace } from './video/VideoWorkspace';
import { useVideoStore } from './video/videoStore';
import { ToolBar } from './panels/Toolbar/ToolBar';
import { BatchWorkspace } from './batch/BatchWorkspace';
import { FolderToggle } from './batch/FolderToggle';
import { useBatchStore } from './batch/useBatchStore';

export function App() {
  const mode = useVideoStore((s) => s.mode);
  const folder = useBatchStore((s) => s.open);
  return (
    <div className="app">
      <header className="app__header">
        <h1 className="app__title">
          SAM 3 <span className="app__subtitle">Segment Anything with Concepts · in your browser</span>
        </h1>
        {!folder && <ModeSwitch />}
        <FolderToggle />
        <StatusBadge scope={!folder && mode === 'image' ? 'image' : 'other'} />
      </header>
      <ErrorBanner />
      {folder ? (
        <BatchWorkspace />
      ) : (
        <main className="app__main">
          <div className="workspace">
            <div className="toolbar">
              <PromptBar />
              <div className="toolbar__row">
                {mode === 'image' && <ImagePicker />}
                <ThresholdSlider />
                {mode === 'image' && <ExportBar />}
              </div>
              <ToolBar />
            </div>
            {mode === 'image' ? <Stage /> : <VideoWorkspace />}
          </div>
          <aside className="sidebar">
            {mode === 'image' ? <InstanceList /> : <TrackList />}
            <PromptList />
            <ModelPanel />
          </aside>
        </main>
      )}
      <HelpOverlay />
    </div>
  );
}
