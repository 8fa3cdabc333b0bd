/** The video/webcam toolbar: source controls, live statistics, file progress and playback, exports. */
import { formatEta } from './videoModel';
import { VIDEO_ACCEPT } from './mediaErrors';
import { useAppStore } from '../store/useAppStore';
import {
  cancelProcessing,
  openFirstVideoFile,
  processVideo,
  rerunFrom,
  rerunFromHere,
  selectRerunInputs,
  scrubTo,
  setOutputDelay,
  togglePauseProcessing,
  togglePlay,
} from './fileActions';
import { cancelAnnotatedExport, exportAnnotated, exportFramePng, exportMasklets, exportYtvis } from './exportActions';
import { setDetectEvery } from './modeActions';
import { selectCamera, setLiveDelay } from './webcamActions';
import { formatRunStats } from './runSummary';
import { selectCanExportMasklets, selectProgressPercent, useVideoStore } from './videoStore';

export function VideoControls() {
  const mode = useVideoStore((s) => s.mode);
  return (
    <div className="video-controls" data-testid="video-controls">
      <div className="toolbar__row">
        {mode === 'webcam' ? (
          <>
            <CameraPicker />
            <LiveDelayToggle />
          </>
        ) : (
          <VideoFilePicker />
        )}
        <DetectEvery />
        <PropagationMode />
      </div>
      <VideoMessage />
      <TrackNotices />
      {mode === 'webcam' ? <LiveStatsBar /> : <FileBar />}
    </div>
  );
}

function CameraPicker() {
  const devices = useVideoStore((s) => s.devices);
  const deviceId = useVideoStore((s) => s.deviceId);
  return (
    <label className="video-field">
      Camera
      <select
        data-testid="camera-select"
        value={deviceId ?? ''}
        onChange={(e) => selectCamera(e.currentTarget.value)}
        disabled={devices.length === 0}
      >
        {devices.length === 0 && <option value="">No camera</option>}
        {devices.map((d) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function VideoFilePicker() {
  const status = useVideoStore((s) => s.status);
  const hasVideo = useVideoStore((s) => s.meta !== null);
  return (
    <>
      <label className="button button--secondary file-button">
        Open video…
        <input
          type="file"
          accept={VIDEO_ACCEPT}
          data-testid="video-input"
          className="visually-hidden"
          onChange={(e) => {
            openFirstVideoFile(e.currentTarget.files ? [...e.currentTarget.files] : null);
            e.currentTarget.value = '';
          }}
        />
      </label>
      <button
        type="button"
        className="button"
        data-testid="video-process"
        disabled={!hasVideo || status === 'processing' || status === 'paused' || status === 'opening'}
        onClick={() => void processVideo()}
      >
        {status === 'ready' || status === 'cancelled' ? 'Process again' : 'Process video'}
      </button>
      <OutputDelayToggle />
    </>
  );
}

/** File mode: hold results back by the hotstart window so tracks it removes never show (the reference's default). */
function OutputDelayToggle() {
  const on = useVideoStore((s) => s.outputDelay);
  const delay = useVideoStore((s) => s.session?.settings.hotstartDelay ?? 15);
  return (
    <label
      className="video-field"
      title={`Results are kept only once a track survives its first ${delay} frames (SAM 3's hotstart delay); tracks removed as unconfirmed never appear in the results. Off: every track shows at once and may be removed later.`}
    >
      <input
        type="checkbox"
        data-testid="output-delay"
        checked={on}
        onChange={(e) => setOutputDelay(e.currentTarget.checked)}
      />
      Confirm tracks before showing ({delay} frames)
    </label>
  );
}

/** Live mode: show results (and their frames) a hotstart window late, so no track is shown and then removed. */
function LiveDelayToggle() {
  const on = useVideoStore((s) => s.liveDelay);
  const delay = useVideoStore((s) => s.session?.settings.hotstartDelay ?? 15);
  return (
    <label
      className="video-field"
      title={`Shows each processed frame ${delay} processed frames late with its confirmed tracks only (SAM 3's output delay). Off: the live picture with young tracks drawn faint until confirmed.`}
    >
      <input
        type="checkbox"
        data-testid="live-delay"
        checked={on}
        onChange={(e) => setLiveDelay(e.currentTarget.checked)}
      />
      Delay output until confirmed
    </label>
  );
}

/** Why tracks the person saw went away (unconfirmed, duplicate, negative box). */
function TrackNotices() {
  const notices = useVideoStore((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <ul className="video-notices" data-testid="track-notices" aria-live="polite">
      {notices.map((n) => (
        <li key={`${n.id}-${n.frameIndex}`} data-testid="track-notice" data-track-id={n.id}>
          Frame {n.frameIndex + 1}: {n.text}
        </li>
      ))}
    </ul>
  );
}

function DetectEvery() {
  const detectEvery = useVideoStore((s) => s.detectEvery);
  return (
    <label className="video-field" title="The detector runs every N frames; the tracker runs on every frame.">
      Detector every
      <input
        type="number"
        min={1}
        max={120}
        step={1}
        data-testid="detect-every"
        value={detectEvery}
        onChange={(e) => setDetectEvery(e.currentTarget.valueAsNumber)}
        className="video-field__number"
      />
      frames
    </label>
  );
}

function PropagationMode() {
  const session = useVideoStore((s) => s.session);
  if (!session) return null;
  const fallback = session.propagation !== 'memory';
  return (
    <span
      className={`video-badge${fallback ? ' video-badge--fallback' : ''}`}
      data-testid="propagation-mode"
      data-propagation={session.propagation}
      title={session.propagationReason}
    >
      {fallback ? 'Tracker: fallback (prompt decoder)' : 'Tracker: memory'}
      {session.propagationReason ? ` — ${session.propagationReason}` : ''}
    </span>
  );
}

function VideoMessage() {
  const openError = useVideoStore((s) => s.openError);
  const message = useVideoStore((s) => s.openError ?? s.message);
  const status = useVideoStore((s) => s.status);
  if (!message) return null;
  return (
    <p
      className={`video-message${status === 'error' || openError ? ' video-message--error' : ''}`}
      role="alert"
      data-testid="video-message"
    >
      {message}
    </p>
  );
}

function LiveStatsBar() {
  const live = useVideoStore((s) => s.live);
  const status = useVideoStore((s) => s.status);
  return (
    <div className="video-stats" data-testid="live-stats" data-status={status}>
      <span>
        Camera <strong data-testid="camera-fps">{live.cameraFps.toFixed(1)}</strong> fps
      </span>
      <span>
        Processed <strong data-testid="processed-fps">{live.processedFps.toFixed(1)}</strong> fps
      </span>
      <span>
        Latency <strong data-testid="latency-ms">{Math.round(live.latencyMs)}</strong> ms
      </span>
      <span className="muted">
        {live.processedFrames} processed · {live.droppedFrames} dropped
      </span>
    </div>
  );
}

function FileBar() {
  const status = useVideoStore((s) => s.status);
  const meta = useVideoStore((s) => s.meta);
  const hasProgress = useVideoStore((s) => s.progress !== null);
  if (!meta) return null;
  const processed = status === 'ready' || status === 'cancelled';
  return (
    <div className="video-file-bar">
      <span className="muted" data-testid="video-meta" data-decoder={meta.decoder}>
        {meta.name} · {meta.width}×{meta.height} · {meta.frameCount} frames at {meta.fps} fps
        {meta.variableFrameRate ? ' (variable)' : ''}
        {meta.codec ? ` · ${meta.codec.toUpperCase()} in ${meta.container?.toUpperCase()}` : ''}
        {meta.decoder === 'seek' ? ' · decoded by seeking (no WebCodecs)' : ''}
      </span>
      {hasProgress && <ProcessingRow />}
      {processed && <RunSummary />}
      {processed && <PlaybackRow frameCount={meta.frameCount} />}
      {processed && <ExportRow webcodecs={meta.decoder === 'webcodecs'} />}
    </div>
  );
}

/** After a run: how fast it went and how much of it was decoding. */
function RunSummary() {
  const stats = useVideoStore((s) => s.runStats);
  if (!stats) return null;
  return (
    <span className="muted" data-testid="video-run-stats">
      {formatRunStats(stats)}
    </span>
  );
}

/** Progress, ETA, pause and cancel while a file is processed. */
function ProcessingRow() {
  const status = useVideoStore((s) => s.status);
  const progress = useVideoStore((s) => s.progress);
  const percent = useVideoStore(selectProgressPercent);
  if (!progress) return null;
  return (
    <div className="video-progress-row">
      <progress
        data-testid="video-progress"
        value={progress.done}
        max={progress.total}
        data-percent={percent}
        aria-label="Processing progress"
      />
      <span data-testid="video-progress-text">
        {percent}% ({progress.done}/{progress.total})
      </span>
      <span>
        ETA <span data-testid="video-eta">{status === 'processing' ? formatEta(progress.etaSeconds) : '—'}</span>
      </span>
      {(status === 'processing' || status === 'paused') && (
        <>
          <PauseButton />
          <button
            type="button"
            className="button button--danger"
            data-testid="video-cancel"
            onClick={() => void cancelProcessing()}
          >
            Cancel
          </button>
        </>
      )}
    </div>
  );
}

/** Play, pause and scrub a processed file; re-run after a prompt change. */
function PlaybackRow({ frameCount }: { frameCount: number }) {
  const playback = useVideoStore((s) => s.playback);
  return (
    <div className="video-playback-row">
      <button type="button" className="button button--secondary" data-testid="video-play" onClick={togglePlay}>
        {playback.playing ? 'Pause' : 'Play'}
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(0, frameCount - 1)}
        step={1}
        value={playback.frameIndex}
        data-testid="video-scrub"
        aria-label="Frame"
        onChange={(e) => void scrubTo(e.currentTarget.valueAsNumber)}
      />
      <span data-testid="video-frame-index">
        Frame {playback.frameIndex + 1} / {frameCount}
      </span>
      <RerunButton />
    </div>
  );
}

function ExportRow({ webcodecs }: { webcodecs: boolean }) {
  const canExport = useVideoStore(selectCanExportMasklets);
  return (
    <div className="video-playback-row">
      <button
        type="button"
        className="button button--secondary"
        data-testid="export-masklets"
        disabled={!canExport}
        onClick={() => exportMasklets()}
      >
        Masklets (JSON)
      </button>
      <button
        type="button"
        className="button button--secondary"
        data-testid="export-ytvis"
        disabled={!canExport}
        title="YouTube-VIS results (per track, a COCO RLE per frame) for TrackEval"
        onClick={() => exportYtvis()}
      >
        YouTube-VIS (JSON)
      </button>
      <button
        type="button"
        className="button button--secondary"
        data-testid="export-frame-png"
        onClick={() => void exportFramePng()}
      >
        Frame (PNG)
      </button>
      <AnnotatedExport disabled={!canExport || !webcodecs} />
    </div>
  );
}

function AnnotatedExport({ disabled }: { disabled: boolean }) {
  const job = useVideoStore((s) => s.exportJob);
  const running = job?.status === 'running';
  return (
    <span className="video-export">
      {running ? (
        <>
          <progress data-testid="export-video-progress" value={job.done} max={job.total} aria-label="Export progress" />
          <span>
            {job.done}/{job.total}
          </span>
          <button
            type="button"
            className="button button--danger"
            data-testid="export-video-cancel"
            onClick={cancelAnnotatedExport}
          >
            Cancel export
          </button>
        </>
      ) : (
        <button
          type="button"
          className="button button--secondary"
          data-testid="export-video"
          disabled={disabled}
          title="The video with masks, IDs and labels drawn in (same codec as the input where this browser can encode it, else WebM/VP9)"
          onClick={() => void exportAnnotated()}
        >
          Annotated video
        </button>
      )}
      {job && job.status !== 'running' && (
        <span
          className="muted"
          data-testid="export-video-status"
          data-status={job.status}
          data-format={job.format ?? ''}
        >
          {job.message}
        </span>
      )}
    </span>
  );
}

function PauseButton() {
  const status = useVideoStore((s) => s.status);
  const pausing = useVideoStore((s) => s.pauseRequested && s.status === 'processing');
  return (
    <button
      type="button"
      className="button button--secondary"
      data-testid="video-pause"
      data-state={status === 'paused' ? 'paused' : pausing ? 'pausing' : 'running'}
      disabled={pausing}
      title={
        status === 'paused'
          ? 'Resume: boxes and clicks added while paused apply from the next frame on'
          : 'Pause to add boxes and clicks on the frame shown'
      }
      onClick={togglePauseProcessing}
    >
      {status === 'paused' ? 'Resume' : pausing ? 'Pausing…' : 'Pause'}
    </button>
  );
}

/** Shown when prompts changed since the last run: the first frame they change, replayed from frame 0. */
function RerunButton() {
  const v = useVideoStore(selectRerunInputs);
  const from = useAppStore((s) => rerunFrom(v, s));
  if (from === null) return null;
  return (
    <button
      type="button"
      className="button"
      data-testid="video-rerun"
      data-from-frame={from}
      title={`Replays the video from the start with your prompts; results change from frame ${from + 1} on`}
      onClick={rerunFromHere}
    >
      Re-run from here (frame {from + 1})
    </button>
  );
}
