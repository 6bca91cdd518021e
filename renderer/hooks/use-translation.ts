// One address of a live process walked through its page tables (translateAddress,
// electron/host/proc/address-translation-reader.ts), read when the address changes and on refresh(). Text that
// is not an address is refused here, without a round trip.
import { parseVirtualAddress, type TranslationReport } from '../../shared/mm/translate.js';
import { getBridge } from '../api/client.js';
import type { UiError } from '../ui-error.js';
import { usePolled } from './use-polled.js';

/** The walk of the address, or why there is none. */
export interface TranslationState {
  report: TranslationReport | null;
  error: UiError | null;
  /** A walk is being read (the last one stays shown). */
  loading: boolean;
  /** Reads the page tables again. */
  refresh: () => void;
}

/** Translates `address` (hex, 0x optional) in pid; '' reads nothing. */
export function useTranslation(pid: number, address: string): TranslationState {
  const key = address === '' ? null : `${pid} ${address}`;
  const { value, error, loading, refresh } = usePolled(key, async () => getBridge().translateAddress(pid, parseVirtualAddress(address).toString(16)), { pollMs: null });
  return { report: value, error, loading, refresh };
}
