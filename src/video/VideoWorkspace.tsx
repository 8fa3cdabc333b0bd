/** Video and webcam mode: controls above the stage. The prompt bar and threshold stay the document's. */
import { VideoControls } from './VideoControls';
import { VideoStage } from './VideoStage';
import './video.css';

export function VideoWorkspace() {
  return (
    <>
      <VideoControls />
      <VideoStage />
    </>
  );
}
