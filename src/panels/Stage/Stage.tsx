/** The drop target around the canvas. Drop, paste (document-wide) or pick an image. */
import { useState, type DragEvent } from 'react';
import { openFirstImageFile } from '../../actions/openImage';
import { OverlayCanvas } from '../../canvas/OverlayCanvas';
import { usePasteImage } from './usePasteImage';

export function Stage() {
  const [dragging, setDragging] = useState(false);
  usePasteImage();

  const onDragOver = (e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    openFirstImageFile(e.dataTransfer.files);
  };

  return (
    <section
      className={`stage${dragging ? ' stage--dragging' : ''}`}
      data-testid="stage"
      aria-label="Image stage: drop an image here"
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <OverlayCanvas />
      {dragging && <div className="stage__drop-hint">Drop to open</div>}
    </section>
  );
}
