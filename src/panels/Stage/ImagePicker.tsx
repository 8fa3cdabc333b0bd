import { openFirstImageFile } from '../../actions/openImage';

export const IMAGE_ACCEPT = 'image/png,image/jpeg,image/webp,image/bmp,image/gif,.png,.jpg,.jpeg,.webp,.bmp,.gif';

/** "Open image…": a labelled file input. */
export function ImagePicker() {
  return (
    <label className="button button--secondary file-button">
      Open image…
      <input
        type="file"
        accept={IMAGE_ACCEPT}
        data-testid="image-input"
        className="visually-hidden"
        onChange={(e) => {
          openFirstImageFile(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
      />
    </label>
  );
}
