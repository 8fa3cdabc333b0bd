import { useEffect } from 'react';
import { openFirstImageFile } from '../../actions/openImage';

/** Ctrl+V of an image anywhere on the page opens it; pasting text into a field is left alone. */
export function usePasteImage(): void {
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const files = Array.from(e.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/'));
      if (files.length === 0) return;
      e.preventDefault();
      openFirstImageFile(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);
}
