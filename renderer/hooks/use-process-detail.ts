// One process's status, command line and exe (getProcess), read once per pid for the process page's header.
import type { ProcessDetail } from '../../shared/api.js';
import { getBridge } from '../api/client.js';
import type { UiError } from '../ui-error.js';
import { usePolled } from './use-polled.js';

/** The detail, null until it answered, and the error if it failed ('gone': no such process). */
export interface ProcessDetailState {
  detail: ProcessDetail | null;
  error: UiError | null;
}

/**
 * Reads pid's detail when pid changes; `onDetail` gets the answer (e.g. to remember its row). `enabled` false
 * asks nothing (a pid no tick has listed: asking would only log a 404 in the console).
 */
export function useProcessDetail(pid: number, onDetail?: (detail: ProcessDetail) => void, enabled = true): ProcessDetailState {
  const { value, error } = usePolled(enabled ? String(pid) : null, () => getBridge().getProcess(pid), { pollMs: null, onValue: onDetail });
  return { detail: value, error };
}
