// Opening snapshot files: a file picker (data-testid="import-snapshot") and drag-and-drop onto the
// window. Files are validated by MemscopeApi.openSnapshot; what is wrong with a bad one is shown.
import { useEffect, useState } from 'react';
import { navigate } from '../state/router.js';
import { openSnapshotFile } from '../state/snapshot-store.js';

/** Opens a file as the offline snapshot and shows it at #/snapshot (errors land in the snapshot store). */
async function openAndShow(file: File): Promise<void> {
  navigate({ name: 'snapshot' });
  await openSnapshotFile(file);
}

/** The "Open snapshot…" button wrapping a hidden file input; the title bar's has data-testid="import-snapshot". */
export function ImportSnapshotButton({ label = 'Open snapshot…', testId = 'import-snapshot' }: { label?: string; testId?: string }) {
  return (
    <label className="button" title="Open a memscope snapshot (.json) to view it offline; or drop it onto the window">
      {label}
      <input
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        data-testid={testId}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // the same file can be chosen again
          if (file !== undefined) void openAndShow(file);
        }}
      />
    </label>
  );
}

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer !== null && Array.from(e.dataTransfer.types).includes('Files');
}

/** Window-wide drop target: dropping a file opens it as a snapshot. Renders the overlay while dragging. */
export function WindowDropZone() {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allow the drop
      if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // never navigate to the dropped file
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file !== undefined && !(e.target as HTMLElement | null)?.closest?.('[data-drop-target]')) void openAndShow(file);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return dragging ? (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div>Drop a memscope snapshot (.json) to open it offline</div>
    </div>
  ) : null;
}
