/**
 * The setting: its controls, its place in the URL, and `set`, which checks a change and
 * applies it (η at the next iteration; a new size, batch or seed starts over in the worker).
 */
import type { Connection } from "./connection.ts";
import { $, hideNotice, showNotice } from "./dom.ts";
import { LEARNING_RATE_RANGE, MAX_HIDDEN, queryFromSettings, type Settings } from "./settings.ts";
import type { PageState } from "./state.ts";

/** Writes the setting into the controls and the page's address. */
export function syncControls(state: PageState): void {
  const { settings } = state;
  $<HTMLInputElement>("lr").value = String(settings.learningRate);
  $<HTMLInputElement>("lr-slider").value = String(Math.log10(settings.learningRate));
  $<HTMLInputElement>("hidden").value = String(settings.hidden);
  const batch = $<HTMLSelectElement>("batch");
  if (![...batch.options].some((o) => o.value === String(settings.batchSize))) {
    batch.add(new Option(String(settings.batchSize), String(settings.batchSize)));
  }
  batch.value = String(settings.batchSize);
  $<HTMLInputElement>("seed").value = String(settings.seed);
  history.replaceState(null, "", queryFromSettings(settings) + location.hash);
}

/** A change of setting refused: the value it names and why. */
function check(next: Settings): void {
  const { learningRate: lr, hidden, seed, batchSize } = next;
  if (!(lr > 0 && Number.isFinite(lr))) {
    throw new RangeError(`learningRate: ${lr} is not a positive number`);
  }
  if (!(Number.isInteger(hidden) && hidden >= 1 && hidden <= MAX_HIDDEN)) {
    throw new RangeError(`hidden: ${hidden} is not an integer in 1..${MAX_HIDDEN}`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 0)) {
    throw new RangeError(`batchSize: ${batchSize} is not a positive integer`);
  }
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new RangeError(`seed: ${seed} is not an integer in 0..2³²−1`);
  }
}

export type Set = (change: Partial<Settings>) => Promise<void>;

/**
 * `set` for the page and its API, and the controls wired to it; `changed` redraws the digit
 * panels (their "after one step" depends on η).
 */
export function createSettings(state: PageState, connection: Connection, changed: () => void): Set {
  async function set(change: Partial<Settings>): Promise<void> {
    const next = { ...state.settings, ...change };
    check(next);
    if (next.batchSize >= state.trainCount) next.batchSize = 0;
    state.settings = next;
    syncControls(state);
    hideNotice();
    await connection.ask({ type: "set", settings: next });
    if (!state.status.running) changed();
  }

  const fromControl = (change: () => Partial<Settings>) => () =>
    void set(change()).catch((e) => {
      showNotice(e);
      syncControls(state);
    });
  const value = (id: string) => Number($<HTMLInputElement>(id).value);

  const slider = $<HTMLInputElement>("lr-slider");
  slider.min = String(Math.log10(LEARNING_RATE_RANGE[0]));
  slider.max = String(Math.log10(LEARNING_RATE_RANGE[1]));
  slider.addEventListener(
    "input",
    fromControl(() => ({ learningRate: Number((10 ** value("lr-slider")).toPrecision(2)) })),
  );
  $("lr").addEventListener("change", fromControl(() => ({ learningRate: value("lr") })));
  $("hidden").addEventListener("change", fromControl(() => ({ hidden: value("hidden") })));
  $("batch").addEventListener("change", fromControl(() => ({ batchSize: value("batch") })));
  $("seed").addEventListener("change", fromControl(() => ({ seed: value("seed") })));
  return set;
}
